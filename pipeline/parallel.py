"""Run several pipelines at once, each in its own process, with labelled log lines.

Each pipeline process writes to its own pipeline root and MLMD store, so they
share nothing but the machine. Every output line is prefixed with the
pipeline's name, and the combined resident memory of all processes is
sampled so the peak can be reported.
"""

import subprocess
import sys
import threading
import time
from typing import Dict, List, Optional, TextIO

import psutil

MEMORY_SAMPLE_SECONDS = 0.5


def _forward_lines(name: str, stream, output: TextIO, lock: threading.Lock) -> None:
    for line in iter(stream.readline, ""):
        with lock:
            output.write(f"[{name}] {line}")
            output.flush()
    stream.close()


def _tree_rss_bytes(processes: List[subprocess.Popen]) -> int:
    total = 0
    for process in processes:
        try:
            parent = psutil.Process(process.pid)
            members = [parent] + parent.children(recursive=True)
        except psutil.NoSuchProcess:
            continue
        for member in members:
            try:
                total += member.memory_info().rss
            except psutil.NoSuchProcess:
                pass
    return total


def run_in_parallel(commands: Dict[str, List[str]], output: Optional[TextIO] = None) -> Dict[str, object]:
    """Start every command at once and wait for all of them.

    Args:
      commands: pipeline name -> argv of the process that runs it.
      output: where the prefixed lines go (stdout by default).

    Returns:
      {'return_codes': {name: code}, 'peak_rss_bytes': int, 'wall_seconds': float}
    """
    output = output or sys.stdout
    lock = threading.Lock()
    started = time.monotonic()

    processes: Dict[str, subprocess.Popen] = {}
    threads = []
    for name, argv in commands.items():
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        processes[name] = process
        thread = threading.Thread(target=_forward_lines, args=(name, process.stdout, output, lock), daemon=True)
        thread.start()
        threads.append(thread)

    peak_rss = 0
    while any(process.poll() is None for process in processes.values()):
        peak_rss = max(peak_rss, _tree_rss_bytes(list(processes.values())))
        time.sleep(MEMORY_SAMPLE_SECONDS)

    for thread in threads:
        thread.join()
    return {
        "return_codes": {name: process.returncode for name, process in processes.items()},
        "peak_rss_bytes": peak_rss,
        "wall_seconds": time.monotonic() - started,
    }
