"""``calfeed build`` fixes glibc's mmap threshold (calfeed/heap.py): a large buffer freed does not
make the next ones come from the heap, whose high-water mark a process keeps."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import ctypes, ctypes.util, sys
from calfeed.heap import return_large_buffers

class Info(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                                                     "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.mallinfo2.restype = Info
if sys.argv[1] == "fixed":
    assert return_large_buffers()
big = bytearray(20_000_000)
del big  # glibc's default: the threshold rises to 20 MB here
before = libc.mallinfo2().hblkhd
body = bytearray(2_000_000)  # a feed's body
print(libc.mallinfo2().hblkhd - before >= 2_000_000)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_a_large_buffer_is_given_back_to_the_system_after_a_larger_one_was_freed():
    def mapped(mode: str) -> str:
        return subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True).stdout

    assert mapped("fixed").strip() == "True"
    assert mapped("default").strip() == "False"  # what the build would do without it
