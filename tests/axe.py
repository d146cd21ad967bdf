"""axe-core, the accessibility engine, from its npm package: `python -m tests.axe` fetches the pinned release's
tarball from the npm registry (no Node.js needed), checks it against the registry's sha512 integrity, and keeps
axe.min.js in .venv/axe/. `make test` runs it once; the browser tests inject the file into each page."""

from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "4.14.1"
TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
AXE = Path(__file__).resolve().parent.parent / ".venv" / "axe" / f"axe-{VERSION}.min.js"


def fetch() -> Path:
    if AXE.is_file():
        return AXE
    with urllib.request.urlopen(TARBALL, timeout=60) as response:
        data = response.read()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != INTEGRITY:
        raise SystemExit(f"axe-core {VERSION}: the tarball's digest {digest} is not the registry's {INTEGRITY}")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        script = tar.extractfile("package/axe.min.js").read()
    AXE.parent.mkdir(parents=True, exist_ok=True)
    AXE.write_bytes(script)
    return AXE


if __name__ == "__main__":
    print(f"axe-core {VERSION}: {fetch()}", file=sys.stderr)
