#!/usr/bin/env python3
"""Check a village's published accounts against their hash chain, without the portal.

Usage:  python3 verify-chain.py FILE...

Each FILE is the JSON download of one published period (the "JSON" link on the village page, or
/villages/<code>/download?period=<period>&format=json). Python 3.8 or later, standard library only.

For every period the script recomputes

    content_hash = lowercase hex of SHA-256( UTF-8 bytes of  prev_hash + "\\n" + canonical(content) )

where canonical(content) is the "content" object written as JSON with object keys sorted, no
whitespace, non-ASCII characters written as themselves (not \\u escapes), null values kept, integers
as plain digits and decimals as the strings the download already holds (e.g. "12.50"). It then
checks that each period's prev_hash is the content_hash of the period before it, and that the
village's first period (chain seq 1) chains from 64 zeros.

Exit status: 0 when every hash and every link holds; 1 naming the first broken period; 2 when a
file cannot be read as a period download.
"""

import hashlib
import json
import sys

GENESIS = "0" * 64


def canonical(value):
    """The same text the portal hashes: sorted keys, no whitespace, raw UTF-8."""
    if isinstance(value, float):
        # The portal never hashes a float: amounts are integer fen, quantities decimal strings.
        raise ValueError("content holds a non-integer number: %r" % value)
    if isinstance(value, dict):
        items = sorted(value.items())
        return "{" + ",".join(json.dumps(key, ensure_ascii=False) + ":" + canonical(item) for key, item in items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(canonical(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def content_hash(prev_hash, content):
    text = prev_hash + "\n" + canonical(content)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load(path):
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        chain = data["chain"]
        return {
            "file": path,
            "village": data["village"]["code"],
            "period": data["period"],
            "seq": int(chain["seq"]),
            "prev": chain["prevHash"],
            "hash": chain["contentHash"],
            "content": data["content"],
        }
    except (OSError, ValueError, KeyError, TypeError) as error:
        print("%s: not a period download (%s)" % (path, error), file=sys.stderr)
        sys.exit(2)


def broken(period, why):
    print("BROKEN  %s %s (%s): %s" % (period["village"], period["period"], period["file"], why))
    return 1


def main(paths):
    if not paths:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    periods = sorted((load(path) for path in paths), key=lambda period: period["seq"])
    villages = {period["village"] for period in periods}
    if len(villages) > 1:
        print("files from more than one village: %s" % ", ".join(sorted(villages)), file=sys.stderr)
        return 2
    first = periods[0]
    if first["seq"] != 1:
        print("note: the files start at chain seq %d; periods before it are not checked" % first["seq"])
    elif first["prev"] != GENESIS:
        return broken(first, "the first period must chain from 64 zeros")
    previous = None
    for period in periods:
        if previous is not None:
            if period["seq"] != previous["seq"] + 1:
                return broken(period, "chain seq %d follows %d: a period is missing" % (period["seq"], previous["seq"]))
            if period["prev"] != previous["hash"]:
                return broken(period, "prev_hash is not the content hash of %s" % previous["period"])
        try:
            recomputed = content_hash(period["prev"], period["content"])
        except ValueError as error:
            return broken(period, str(error))
        if recomputed != period["hash"]:
            return broken(period, "content hash %s, recomputed %s: the content differs from what was published" % (period["hash"], recomputed))
        print("ok      %s %s  %s" % (period["village"], period["period"], recomputed))
        previous = period
    print("chain holds: %d period(s) of village %s" % (len(periods), first["village"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
