#!/usr/bin/env python3
"""What the LLM review gate costs agate itself, on a real change: bottle 0.12.25 -> 0.13.0.

    python3 bench/llm.py --agate PATH [--work DIR] [--runs N]

The older release is committed to a fresh git repository, the newer one committed on top
with an AI co-author trailer (so every changed line is AI-authored). A local server speaks
the chat-completions API and answers every hunk at once with no finding, so what is timed
is agate's own work: finding the hunks, outlining their files, looking up the definitions
they call in the repository, redacting, building the requests, reading the answers, and
the cache. Each figure is a whole `agate gate --only llm` process, run N times (median,
min, max):

  - cold: no cached answer, every hunk is asked;
  - cached: every answer comes from `.agate/cache/llm/`, nothing is asked;
  - without review: the same gate with the review gate left out (`--only deps`, which reads
    no file), for agate's fixed cost.

Prints hunks, requests, bytes sent, and the timings. Python 3 standard library only; a
benchmark, never a test (docs/llm-review.md).
"""

import argparse
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "noise"))
import run  # noqa: E402  (bench/noise/run.py: download and unpack helpers)
import triage  # noqa: E402  (the pinned bottle releases)

ENV_DROP = triage.ENV_DROP


class Server(http.server.BaseHTTPRequestHandler):
    """Answers every chat completion with no finding; counts requests and bytes."""

    requests = 0
    received = 0
    lock = threading.Lock()

    def do_POST(self):  # noqa: N802 (the standard library's name)
        length = int(self.headers.get("content-length", 0))
        self.rfile.read(length)
        with Server.lock:
            Server.requests += 1
            Server.received += length
        body = json.dumps({
            "id": "bench", "object": "chat.completion", "model": "bench",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": "{\"findings\": []}"}}],
            "usage": {"prompt_tokens": length // 4, "completion_tokens": 5},
        }).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_):
        pass


def git(repo, *args, env=None):
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com",
                    "-c", "commit.gpgsign=false", *args], cwd=repo, check=True,
                   stdout=subprocess.DEVNULL, env=env)


def release(work, spec):
    version, url, sha256 = spec
    archive = work / f"bottle-{version}.tar.gz"
    run.download(url, archive, sha256)
    dest = work / f"bottle-{version}"
    run.unpack(archive, dest)
    return dest / f"bottle-{version}"


def repository(work, port):
    repo = work / "repo"
    if repo.exists():
        shutil.rmtree(repo)
    shutil.copytree(release(work, triage.OLD), repo)
    (repo / "agate.yaml").write_text(
        "gates:\n  review:\n    llm_review:\n"
        f"      base_url: http://127.0.0.1:{port}/v1\n      model: bench\n"
        "      rubric: security\n      max_hunks: 100000\n      max_tokens: 1000000000\n"
        "environments:\n  bench:\n    mode: block\n    gates: [review]\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "bottle 0.12.25")
    new = release(work, triage.NEW)
    for path in repo.iterdir():
        if path.name not in (".git", "agate.yaml"):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    for path in new.iterdir():
        target = repo / path.name
        shutil.copytree(path, target) if path.is_dir() else shutil.copy2(path, target)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "bottle 0.13.0\n\nCo-authored-by: Claude <noreply@anthropic.com>")
    return repo


def timed(agate, repo, args, env, runs, before=None):
    times = []
    report = None
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        done = subprocess.run([agate, "gate", "--env", "bench", "--base", "main~1",
                               "--format", "json", *args], cwd=repo, env=env,
                              capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            sys.exit(f"agate exited {done.returncode}: {done.stderr}")
        report = json.loads(done.stdout)
    return times, report


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--agate", required=True)
    parser.add_argument("--work", default=str(HERE / ".work" / "llm"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    repo = repository(work, server.server_address[1])
    env = {k: v for k, v in os.environ.items() if not ENV_DROP.match(k)}
    cache = repo / ".agate" / "cache" / "llm"

    def forget():
        shutil.rmtree(cache, ignore_errors=True)

    cold, report = timed(args.agate, repo, ["--only", "llm"], env, args.runs, forget)
    sent, received = Server.requests, Server.received
    cached, again = timed(args.agate, repo, ["--only", "llm"], env, args.runs)
    if Server.requests != sent:
        sys.exit("a cached run asked the server")
    fixed, _ = timed(args.agate, repo, ["--only", "deps", "--offline"], env, args.runs)
    review = report["reviews"][0]
    print(f"bottle 0.12.25 -> 0.13.0: {review['hunks']} hunks, "
          f"{sent // args.runs} requests per cold run, "
          f"{received // max(sent, 1):,} bytes per request on average")
    for name, times in (("cold (every hunk asked)", cold), ("cached (nothing asked)", cached),
                        ("without review", fixed)):
        print(f"{name:24} median {statistics.median(times):.3f} s  "
              f"min {min(times):.3f} s  max {max(times):.3f} s  ({len(times)} runs)")
    assert again["reviews"][0]["cached"] == review["hunks"]


if __name__ == "__main__":
    main()
