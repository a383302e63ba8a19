"""Russian NER with slovnet's news model (natasha 1.6.0 / slovnet 0.6.0 wheels, which carry
the model and its navec embeddings), for comparing with wirewatch's rules.

  slovnet_ner.py conll GOLD.conll > PRED.conll   tag the gold tokens, one "token<TAB>tag" a line
  slovnet_ner.py speed N FILE...                 articles per CPU second over the texts, N rounds

The CoNLL mode feeds the model the gold file's tokens, sentence by sentence, so its spans
compare with the gold spans (`wirewatch eval ner --pred PRED.conll GOLD.conll`); its tags are
already B-/I- PER, LOC, ORG. The speed mode runs what an enricher would: razdel tokenisation
and the model over the whole text, one text at a time and in the API's batches.
"""
import sys

from natasha import NewsEmbedding, NewsNERTagger

import conll


def tag_conll(path, out):
    ner = NewsNERTagger(NewsEmbedding())
    infer = ner.infer
    sents = conll.read_conll(path)
    for i in range(0, len(sents), ner.batch_size):
        chunk = sents[i:i + ner.batch_size]
        for words, tags in zip(chunk, infer.decoder(infer.process(infer.encoder(chunk)))):
            conll.write_tags(out, words, tags)


def one_at_a_time(ner):
    def run(texts):
        for t in texts:
            ner(t)
        return len(texts)
    return run


def batched(ner):
    def run(texts):
        for _ in ner.map(texts * ner.batch_size):
            pass
        return len(texts) * ner.batch_size
    return run


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "conll":
        tag_conll(sys.argv[2], sys.stdout)
    elif len(sys.argv) >= 4 and sys.argv[1] == "speed":
        ner = NewsNERTagger(NewsEmbedding())
        conll.speed(int(sys.argv[2]), sys.argv[3:], {"one at a time": one_at_a_time(ner), "batches of 8": batched(ner)})
    else:
        sys.exit(__doc__)
