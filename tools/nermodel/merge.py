"""Merges two taggers' CoNLL outputs over the same tokens: BASE's names, except those of the
given types, which come from OTHER where their words are free; with --over, OTHER's names of
those types win, and BASE's names over the same words are dropped.

  merge.py [--over] BASE.conll OTHER.conll TYPE[,TYPE...] > MERGED.conll

For example, a model's PER and LOC with the rules' ORG:
  merge.py ru-wikineural.slovnet.conll ru-wikineural.rules.tags ORG
"""
import sys


def read(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") if line.strip() else None for line in f]


def names(tags):
    """(from, to, type) of each BIO name in a run of tags."""
    out, i = [], 0
    while i < len(tags):
        if tags[i] == "O":
            i += 1
            continue
        typ, j = tags[i][2:], i + 1
        while j < len(tags) and tags[j] == "I-" + typ:
            j += 1
        out.append((i, j, typ))
        i = j
    return out


def merge(base, other, types, over):
    tags = ["O"] * len(base)
    taken = [False] * len(base)
    if over:
        for f, t, typ in names(other):
            if typ in types:
                taken[f:t] = [True] * (t - f)
    for f, t, typ in names(base):
        if typ not in types and not any(taken[f:t]):
            tags[f:t] = ["B-" + typ] + ["I-" + typ] * (t - f - 1)
    for f, t, typ in names(other):
        if typ in types and all(x == "O" for x in tags[f:t]):
            tags[f:t] = ["B-" + typ] + ["I-" + typ] * (t - f - 1)
    return tags


def main(base_path, other_path, types, over):
    base, other = read(base_path), read(other_path)
    if len(base) != len(other):
        sys.exit(f"{base_path} has {len(base)} lines, {other_path} {len(other)}")
    sent = []
    for b, o in zip(base + [None], other + [None]):
        if b is not None and o is not None:
            if b[0] != o[0]:
                sys.exit(f"token {b[0]!r} against {o[0]!r}")
            sent.append((b[0], b[1], o[1]))
            continue
        if (b is None) != (o is None):
            sys.exit("the files' sentences differ")
        if sent:
            for (w, _, _), t in zip(sent, merge([s[1] for s in sent], [s[2] for s in sent], types, over)):
                sys.stdout.write(f"{w}\t{t}\n")
            sys.stdout.write("\n")
            sent = []


if __name__ == "__main__":
    args = sys.argv[1:]
    over = bool(args) and args[0] == "--over"
    if over:
        args = args[1:]
    if len(args) != 3:
        sys.exit(__doc__)
    main(args[0], args[1], set(args[2].split(",")), over)
