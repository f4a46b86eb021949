"""The certificates' QR codes: segno's symbols, with the data mask chosen on whole bit planes.

ISO/IEC 18004:2015 §7.8.3 has the encoder try the eight data masks and keep the one with the
lowest penalty. segno scores them module by module in Python: once the QR code was drawn as
vectors, three quarters of the time of a 1,000-certificate PDF. Here segno encodes the text
once, with mask 0; that symbol is unmasked, each mask is scored on the whole symbol at once
(one Python integer holds every module, row after row; bit operations count runs and blocks,
a string search finds the finder-like patterns), and the best is applied together with the
format information segno writes for it. The score is segno's own (`mask_scores` in
segno/encoder.py, its reading of Table 11), so the result is the very symbol
`segno.make_qr(text, error="m")` gives — and `segno.make` gave before, verification links
being far too long for a Micro QR code: the same certificate, only faster (the tests compare
the two).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import segno

# Error correction level M (up to 15 % of the symbol unreadable), as the certificates had.
ERROR = "m"
# ISO/IEC 18004:2015 §7.8.2, Table 10: the module in row i, column j is flipped when true.
MASKS: tuple[Callable[[int, int], bool], ...] = (
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
)
# Table 11, N3: dark-light-dark-dark-dark-light-dark.
FINDER_LIKE = "1011101"
TO_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def plane(cells: list[list[bool]]) -> int:
    """A grid as one integer: bit i * size + j is row i, column j."""
    return int("".join("1" if cell else "0" for row in cells for cell in row)[::-1], 2)


class Layout:
    """Where the modules of a QR Code symbol of one size are, as planes (see `plane`): `data`
    takes the mask; `info` (format and version information, the dark module) is blank while
    masks are scored, as segno scores them; `fixed` is the rest (finder, separator, timing
    and alignment patterns); `flips[k]` is mask k over the data. `runs` and `blocks` mark the
    first module of every five in a line, and of every 2 x 2 block, that stay inside the
    symbol."""

    def __init__(self, size: int) -> None:
        self.size = size
        version = (size - 17) // 4
        function = [[False] * size for _ in range(size)]
        info = [[False] * size for _ in range(size)]

        def mark(grid: list[list[bool]], rows: range | list[int], cols: range | list[int]) -> None:
            for i in rows:
                for j in cols:
                    grid[i][j] = True

        # §6.3.3–6.3.4: the finder patterns with their separators; §6.3.5: the timing lines.
        for top, left in ((0, 0), (0, size - 8), (size - 8, 0)):
            mark(function, range(top, top + 8), range(left, left + 8))
        mark(function, [6], range(size))
        mark(function, range(size), [6])
        # §6.3.6 and Annex E: alignment patterns, except where the finder patterns are.
        centres = alignment_centres(version)
        near, far = (centres[0], centres[-1]) if centres else (0, 0)
        for i in centres:
            for j in centres:
                if (i, j) not in {(near, near), (near, far), (far, near)}:
                    mark(function, range(i - 2, i + 3), range(j - 2, j + 3))
        # §7.9.1: format information beside the finders (the timing modules excepted) and
        # the dark module above the lower one; §7.10: version information from version 7.
        mark(info, [8], [*range(6), 7, 8, *range(size - 8, size)])
        mark(info, [*range(6), 7, 8, *range(size - 8, size)], [8])
        if version >= 7:
            mark(info, range(6), range(size - 11, size - 8))
            mark(info, range(size - 11, size - 8), range(6))
        everything = (1 << size * size) - 1
        self.data = everything & ~plane(function) & ~plane(info)
        self.info = plane(info)
        self.fixed = everything & ~self.data & ~self.info
        self.flips = [
            plane([[mask(i, j) for j in range(size)] for i in range(size)]) & self.data
            for mask in MASKS
        ]
        self.runs = plane([[j <= size - 5 for j in range(size)] for _ in range(size)])
        self.blocks = plane(
            [[i < size - 1 and j < size - 1 for j in range(size)] for i in range(size)]
        )


def alignment_centres(version: int) -> tuple[int, ...]:
    """The rows (and columns) of the alignment patterns' centres: Annex E, Table E.1, which
    spaces them evenly from the far side, 26 apart in version 32."""
    if version < 2:
        return ()
    count = version // 7 + 2
    last = version * 4 + 10
    step = 26 if version == 32 else (version * 4 + count * 2 + 1) // (count * 2 - 2) * 2
    return (6, *reversed([last - k * step for k in range(count - 1)]))


@cache
def layout(size: int) -> Layout:
    return Layout(size)


# Format and version information per size, error level and mask, as segno writes them (they do
# not depend on the text).
_INFO: dict[tuple[int, str, int], int] = {}


def info_plane(size: int, error: str, mask: int, text: str) -> int:
    """The format and version information of a symbol of `text` (its size and error level)
    under another mask, read once from segno's own symbol with that mask."""
    key = (size, error, mask)
    if key not in _INFO:
        symbol = segno.make_qr(text, error=ERROR, mask=mask)
        assert (len(symbol.matrix), symbol.error) == (size, error)
        _INFO[key] = symbol_plane(symbol) & layout(size).info
    return _INFO[key]


def symbol_plane(symbol: segno.QRCode) -> int:
    return int(b"".join(symbol.matrix).translate(TO_DIGITS)[::-1], 2)


def text_of(modules: int, size: int) -> str:
    """The plane as "0" (light) and "1" (dark), row after row."""
    return format(modules, f"0{size * size}b")[::-1]


def penalty(modules: int, shape: Layout) -> int:
    """segno's `mask_scores` (ISO/IEC 18004:2015 §7.8.3.1, Table 11) on a whole plane."""
    size = shape.size
    across = text_of(modules, size)
    down = "".join(across[j::size] for j in range(size))
    # N1: a run of L >= 5 modules of one colour in a row or column costs L - 2: its L - 4
    # windows of five, plus 2 for the first of them.
    n1 = 0
    for lines in (modules, int(down[::-1], 2)):
        same = ~(lines ^ (lines >> 1))
        five = same & (same >> 1) & (same >> 2) & (same >> 3) & shape.runs
        n1 += five.bit_count() + 2 * (five & ~(five << 1)).bit_count()
    # N2: 3 for each 2 x 2 block of one colour.
    sideways = modules ^ (modules >> 1)
    n2 = (
        3
        * (
            shape.blocks & ~(sideways | (sideways >> size) | (modules ^ (modules >> size)))
        ).bit_count()
    )
    # N3: 40 for each finder-like pattern with four light modules (or the symbol's edge, as
    # segno counts it) on one side; segno looks on after a counted pattern, from its fifth
    # module after an uncounted one, and never across the end of a line.
    n3 = 0
    for text in (across, down):
        at = text.find(FINDER_LIKE)
        while at != -1:
            start = at - at % size
            if at - start > size - 7:
                at = text.find(FINDER_LIKE, at + 1)
            elif (
                at - start in (0, size - 7)
                or "1" not in text[max(at - 4, start) : at]
                or "1" not in text[at + 7 : min(at + 11, start + size)]
            ):
                n3 += 40
                at = text.find(FINDER_LIKE, at + 7)
            else:
                at = text.find(FINDER_LIKE, at + 4)
    # N4: 10 for each 5 % the dark share strays from half.
    n4 = 10 * int(abs(float(modules.bit_count()) / (size**2) * 100 - 50) / 5)
    return n1 + n2 + n3 + n4


def modules(text: str) -> list[str]:
    """The symbol of `text` at error level M, as rows of "0" and "1", without quiet zone."""
    first = segno.make_qr(text, error=ERROR, mask=0)
    size = len(first.matrix)
    shape = layout(size)
    masked_first = symbol_plane(first)
    plain = (masked_first ^ shape.flips[0]) & shape.data
    fixed = masked_first & shape.fixed
    # The lowest score; of equal ones the first mask, as segno keeps it.
    _, best = min(
        (penalty(fixed | (plain ^ flips), shape), k) for k, flips in enumerate(shape.flips)
    )
    if best == 0:
        final = masked_first
    else:
        final = fixed | (plain ^ shape.flips[best]) | info_plane(size, str(first.error), best, text)
    rows = text_of(final, size)
    return [rows[i : i + size] for i in range(0, size * size, size)]
