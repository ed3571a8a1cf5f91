#!/usr/bin/env python3
"""README screenshots, captured from the running program: `sora-tui --demo` in a pseudo-terminal,
its output parsed by a terminal emulator (pyte), each screen drawn to a PNG (Pillow) with
DejaVu Sans Mono. Nothing is staged: the demo generates, retries its 404 and saves for real.

    python3 -m venv .venv-shots && .venv-shots/bin/pip install pyte pillow
    cargo build -p sora-tui
    .venv-shots/bin/python scripts/screenshots.py target/debug/sora-tui docs/screenshots
"""

import fcntl
import os
import pty
import select
import shutil
import struct
import sys
import tempfile
import termios
import time

import pyte
from PIL import Image, ImageDraw, ImageFont

COLS, ROWS = 140, 40
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
SIZE = 15
BACKGROUND = (24, 26, 33)
FOREGROUND = (220, 223, 228)
# xterm's 16 colours, by pyte's names.
NAMED = {
    "black": (0, 0, 0), "red": (205, 49, 49), "green": (13, 188, 121), "brown": (229, 229, 16),
    "yellow": (229, 229, 16), "blue": (36, 114, 200), "magenta": (188, 63, 188),
    "cyan": (17, 168, 205), "white": (229, 229, 229), "brightblack": (102, 102, 102),
    "brightred": (241, 76, 76), "brightgreen": (35, 209, 139), "brightyellow": (245, 245, 67),
    "brightblue": (59, 142, 234), "brightmagenta": (214, 112, 214), "brightcyan": (41, 184, 219),
    "brightwhite": (255, 255, 255), "brown": (229, 229, 16),
}


def colour(name, default):
    if name == "default":
        return default
    if name in NAMED:
        return NAMED[name]
    if len(name) == 6:
        try:
            return tuple(int(name[i:i + 2], 16) for i in (0, 2, 4))
        except ValueError:
            pass
    return default


class Demo:
    def __init__(self, binary, home):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": home,
            "XDG_CONFIG_HOME": os.path.join(home, "config"),
            "XDG_DATA_HOME": os.path.join(home, "data"),
            "TMPDIR": home,
            "TERM": "xterm-256color",
            "NO_PROXY": "127.0.0.1,localhost",
        }
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(binary, [binary, "--demo", "--download-dir", os.path.join(home, "videos")], env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)

    def pump(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                try:
                    self.stream.feed(os.read(self.fd, 65536))
                except OSError:
                    return

    def text(self):
        return "\n".join(self.screen.display)

    def wait_for(self, what, limit=40):
        end = time.monotonic() + limit
        while time.monotonic() < end:
            self.pump(0.2)
            if what in self.text():
                return
        sys.exit(f"screenshots: timed out waiting for {what!r}:\n{self.text()}")

    def keys(self, data):
        os.write(self.fd, data)


def draw(screen, path):
    font = ImageFont.truetype(FONT, SIZE)
    bold = ImageFont.truetype(BOLD, SIZE)
    left, top, right, bottom = font.getbbox("M")
    width = round(font.getlength("M"))
    height = SIZE + 4
    image = Image.new("RGB", (COLS * width + 16, ROWS * height + 16), BACKGROUND)
    pen = ImageDraw.Draw(image)
    for y in range(ROWS):
        line = screen.buffer[y]
        for x in range(COLS):
            cell = line[x]
            fg = colour(cell.fg, FOREGROUND)
            bg = colour(cell.bg, BACKGROUND)
            if cell.reverse:
                fg, bg = bg, fg
            px, py = 8 + x * width, 8 + y * height
            if bg != BACKGROUND:
                pen.rectangle([px, py, px + width - 1, py + height - 1], fill=bg)
            char = cell.data
            if char == "▀":
                pen.rectangle([px, py, px + width - 1, py + height // 2 - 1], fill=fg)
            elif char == "▄":
                pen.rectangle([px, py + height // 2, px + width - 1, py + height - 1], fill=fg)
            elif char == "█":
                pen.rectangle([px, py, px + width - 1, py + height - 1], fill=fg)
            elif char.strip():
                pen.text((px, py + 1), char, font=bold if cell.bold else font, fill=fg)
    image.save(path)
    print(f"wrote {path}")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    binary, out = os.path.abspath(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    home = tempfile.mkdtemp(prefix="sora-tui-shots-")
    try:
        demo = Demo(binary, home)
        demo.wait_for("output-videos")
        demo.keys(b"a red fox running through snow at dawn\r")
        demo.wait_for("#1 done")
        demo.keys(b"\t")
        demo.pump(1.0)
        draw(demo.screen, os.path.join(out, "dashboard.png"))
        demo.keys(b"?")
        demo.pump(1.0)
        draw(demo.screen, os.path.join(out, "help.png"))
        demo.keys(b"\x1b")
        demo.pump(0.5)
        # A prompt of two lines (Alt-Enter between them) and the parameter form over it.
        demo.keys(b"i")
        demo.pump(0.3)
        demo.keys(b"a lighthouse in a storm at night\x1b\rwaves breaking over the rocks, slow push in")
        demo.pump(0.5)
        demo.keys(b"\x0f")  # Ctrl-o
        demo.pump(1.0)
        draw(demo.screen, os.path.join(out, "prompt-form.png"))
        demo.keys(b"\x1b")
        demo.pump(0.5)
        demo.keys(b"\x03")
        demo.pump(1.0)
        os.waitpid(demo.pid, 0)
    finally:
        if not os.environ.get("KEEP_HOME"):
            shutil.rmtree(home, ignore_errors=True)
        else:
            print(home)


if __name__ == "__main__":
    main()
