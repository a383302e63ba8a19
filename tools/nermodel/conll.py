"""Shared by the Python model runners: reading the gold CoNLL tokens, writing a model's tags,
and timing a model on article texts."""
import time


def read_conll(path):
    """Returns the sentences of a CoNLL file as lists of tokens (-DOCSTART- lines skipped)."""
    sents, sent = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.split()
            if "-DOCSTART-" in cols:
                continue
            if not cols:
                if sent:
                    sents.append(sent)
                sent = []
                continue
            sent.append(cols[1] if len(cols) == 3 else cols[0])
    if sent:
        sents.append(sent)
    return sents


def write_tags(out, words, tags):
    """Writes one sentence as "token<TAB>tag" lines and a blank line."""
    for w, t in zip(words, tags):
        out.write(f"{w}\t{t}\n")
    out.write("\n")


def speed(rounds, paths, modes):
    """Times each mode (name -> function over a list of texts) for about 5 CPU seconds a
    round, after one warm-up pass, and prints articles per CPU second."""
    texts = [open(p, encoding="utf-8").read() for p in paths]
    size = sum(len(t.encode("utf-8")) for t in texts) / len(texts)
    for run in modes.values():
        run(texts)
    for r in range(rounds):
        for name, run in modes.items():
            start = time.process_time()
            n = 0
            while time.process_time() - start < 5:
                n += run(texts)
            cpu = time.process_time() - start
            print(f"round {r + 1}, {name}: {n} articles of {size:.0f} bytes on average in {cpu:.2f} CPU s: "
                  f"{n / cpu:.1f} articles per CPU second")
