"""Markdown table rows from bench/gemm/sgemm.cpp's JSON lines (stdin)."""
import json
import sys

for line in sys.stdin:
    r = json.loads(line)
    print(f"| {r['library']} | {r['threads']} | {r['step_gemm_ms']} | "
          f"{r['step_gflops']} | {r['square_gflops']} |")
