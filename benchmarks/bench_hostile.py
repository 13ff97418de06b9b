"""Cost of hostile inputs against reading a normal plan: wall time and peak memory (RSS), each case in
a fresh process so one case's memory does not hide another's (times include starting Python, ~0.3 s).

    python benchmarks/bench_hostile.py

Cases (issue 14 §2–§3): hashing and reading a 6 GB sparse file, a .docx of 1.4 million empty
paragraphs, the largest .docx accepted, a .docx lying about its size, two copies' 1 MB task texts compared, and an HTTP server
dripping header bytes (attempt deadline 2 s, 3 attempts, 5 s in all).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SETUP = """
import io, os, struct, sys, tempfile, threading, zipfile
from pathlib import Path
sys.path.insert(0, {root!r})
from transforms.models import PlanError
scratch = Path(tempfile.mkdtemp())
def docx(xml):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", xml)
    return buffer.getvalue()
def refused(call):
    try:
        call()
    except PlanError as exc:
        return exc.problem[:70]
    return "accepted"
"""

CASES = {
    "baseline: read the 2020 plan": """
from sources.read import read_source
print(len(read_source(Path({root!r}) / "sources/samples/2020.gov.md").text), "characters")
""",
    "6 GB sparse file: hash + read": """
from sources.read import file_sha256, read_source
path = scratch / "sparse.md"
with open(path, "wb") as f: f.truncate(6 * 1024**3)
print(file_sha256(path), refused(lambda: read_source(path)))
os.unlink(path)
""",
    "docx: 1.4 million empty paragraphs": """
from sources.read import read_bytes
data = docx(b"<w:document><w:body>" + b"<w:p/>" * 1_400_000 + b"</w:body></w:document>")
print(refused(lambda: read_bytes("padded.docx", "bench", data)))
""",
    "docx: 80,000 paragraphs (under the cap)": """
from sources.read import read_bytes
ns = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
data = docx(b"<w:document " + ns + b"><w:body>" + b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 80_000
            + b"</w:body></w:document>")
print(len(read_bytes("long.docx", "bench", data).text.splitlines()), "paragraphs read")
""",
    "docx: lies about its size": """
from sources.read import read_bytes
data = bytearray(docx(b"<w:document>" + b"\\0" * 40_000_000 + b"</w:document>"))
info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
struct.pack_into("<I", data, bytes(data).rindex(b"PK\\x01\\x02") + 24, 1000)
struct.pack_into("<I", data, info.header_offset + 22, 1000)
print(refused(lambda: read_bytes("liar.docx", "bench", bytes(data))))
""",
    "diff: two 1 MB task texts": """
import random
from transforms.merge import char_diff
rng = random.Random(14)
a = "".join(rng.choices("知识产权保护", k=1_000_000)); b = "".join(rng.choices("知识产权保护", k=1_000_000))
print(char_diff(a, b)[:70])
""",
    "HTTP: header bytes dripping": """
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from sources.fetch import FetchError, FetchPolicy, fetch_url
class Drip(BaseHTTPRequestHandler):
    def do_GET(self):
        try:
            self.wfile.write(b"HTTP/1.1 200 OK\\r\\nX: ")
            for _ in range(100_000):
                self.wfile.write(b"x"); self.wfile.flush(); threading.Event().wait(0.05)
        except OSError: pass
    def log_message(self, *a): pass
server = ThreadingHTTPServer(("127.0.0.1", 0), Drip); server.daemon_threads = True
threading.Thread(target=server.serve_forever, daemon=True).start()
try:
    fetch_url(f"http://127.0.0.1:{{server.server_address[1]}}/p.htm", scratch,
              FetchPolicy(timeout_s=2.0, retries=2, backoff_s=(0.5,), total_timeout_s=5.0))
except FetchError as exc:
    print(exc.problem[-60:])
""",
}


def run_case(code: str) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, what the case printed), measured on a child process of its own."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", SETUP.format(root=str(ROOT)) + code.format(root=str(ROOT))],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status:
        output = f"FAILED: {output.strip().splitlines()[-1] if output.strip() else status}"
    return seconds, usage.ru_maxrss / 1024, output.strip().splitlines()[-1] if output.strip() else ""


def main() -> None:
    results = {name: run_case(code) for name, code in CASES.items()}
    base_time, base_rss, _ = results["baseline: read the 2020 plan"]
    print(f"{'case':38} {'time s':>7} {'x base':>7} {'peak MB':>8} {'x base':>7}  outcome")
    for name, (seconds, rss, outcome) in results.items():
        print(f"{name:38} {seconds:7.2f} {seconds / base_time:7.1f} {rss:8.0f} {rss / base_rss:7.1f}  {outcome}")


if __name__ == "__main__":
    main()
