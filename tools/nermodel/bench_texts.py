"""Writes the ~3 KB articles BenchmarkEnrichMixed (internal/process/bench_test.go) builds,
one file per language, so a model's speed is measured on the rules' benchmark texts:
each source repeated with blank lines between until 3,000 bytes, cut at the last space or
line break before 3,200 bytes.

  bench_texts.py OUTDIR REPO_ROOT SHARED_ROOT
"""
import os
import sys

out, repo, shared = sys.argv[1:4]
srcs = {
    "fr": os.path.join(shared, "samples/seed-article.fr.txt"),
    "en": os.path.join(repo, "internal/process/testdata/lachin.en.txt"),
    "ru": os.path.join(repo, "internal/process/testdata/lachin.ru.txt"),
}
os.makedirs(out, exist_ok=True)
for lang, path in srcs.items():
    s = open(path, "rb").read()
    text = s
    while len(text) < 3000:
        text += b"\n\n" + s
    if len(text) > 3200:
        cut = max(text.rfind(b" ", 0, 3200), text.rfind(b"\n", 0, 3200))
        text = text[:cut]
    with open(os.path.join(out, lang + ".txt"), "wb") as f:
        f.write(text)
