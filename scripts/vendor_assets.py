"""Copy what the web pages use from the npm packages into static/vendor (run by `make assets`).

KRDS (krds-uiux) ships one compiled stylesheet of ~40 components (540 KB). The pages use a
handful, so this takes the design tokens, the root variables and reset of its common sheet, and
the sections of its component sheet named in COMPONENTS (each section starts with a comment
such as `/* 버튼 / 링크 */` in the compiled file), and copies the images those rules point at.
Pretendard GOV comes as the KS X 1001 subset (2,350 Hangul syllables and Latin) in two weights;
a rarer syllable falls back to the system's Korean font.

The copies are committed: a fresh clone serves the pages without npm. Rerun after changing a
version in package.json and commit what changed.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULES = ROOT / "node_modules"
OUT = ROOT / "static" / "vendor"

KRDS = MODULES / "krds-uiux"
KRDS_CSS = KRDS / "resources" / "css"
# Section comments of component.css, in the order the compiled file has them.
COMPONENTS = (
    "버튼 / 링크",
    "icon 버튼 사이즈",
    "**** button area ****",
    "탭",
    "표",
    "모달",
    "mobile",  # the modal's phone rules follow its section under this comment
    "건너뛰기 링크",
    "페이지네이션",
    "브레드크럼",
    "배지",
    "tag style",
    "form 레이아웃",
    "입력 필드 / 텍스트 영역",
    "셀렉트",
)
FONT = MODULES / "pretendard-gov" / "dist"
WEIGHTS = {400: "Regular", 700: "Bold"}

SECTION = re.compile(r"^/\* (.+?) {0,2}\*/$", re.MULTILINE)
URL = re.compile(r"url\((?!data:)([^)]+)\)")


def sections(css: str) -> dict[str, str]:
    """The compiled sheet cut at its top-level section comments: title → rules."""
    marks = list(SECTION.finditer(css))
    cut: dict[str, str] = {}
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        end = following.start() if following else len(css)
        title = mark.group(1).strip()
        cut[title] = cut.get(title, "") + css[mark.start() : end]
    return cut


def common_parts(css: str) -> str:
    """The root variables (before the first icon rule) and the reset (from `/* reset */`)."""
    root = css[: css.index(".svg-icon")]
    root = root.replace('@import "../../css/token/krds_tokens.css";\n', "")
    reset = css[css.index("/* reset */") :]
    return root + reset


def copy_images(css: str, source_dir: Path, out_dir: Path) -> str:
    """Copy each image a rule points at next to the sheet; the rule points at the copy."""

    def copied(match: re.Match[str]) -> str:
        target = match.group(1).strip("'\"")
        images = KRDS / "resources" / "img"
        relative = (source_dir / target).resolve().relative_to(images)
        if relative.parts[0] == "img":  # component.css says img/img/...: the kit's slip
            relative = relative.relative_to("img")
        source = images / relative
        destination = out_dir / "img" / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        return f"url(img/{relative.as_posix()})"

    return URL.sub(copied, css)


def version(package: Path) -> str:
    return str(json.loads((package / "package.json").read_text(encoding="utf-8"))["version"])


def vendor_krds() -> None:
    out = OUT / "krds"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    tokens = (KRDS_CSS / "token" / "krds_tokens.css").read_text(encoding="utf-8")
    common = (KRDS_CSS / "common" / "common.css").read_text(encoding="utf-8")
    components = sections((KRDS_CSS / "component" / "component.css").read_text(encoding="utf-8"))
    missing = [name for name in COMPONENTS if name not in components]
    if missing:
        sys.exit(f"component.css has no section {missing}: check COMPONENTS against the kit")
    chosen = "".join(components[name] for name in COMPONENTS)
    chosen = re.sub(r"/\*# sourceMappingURL=.*?\*/", "", chosen)
    body = copy_images(common_parts(common), KRDS_CSS / "common", out)
    body += copy_images(chosen, KRDS_CSS / "component", out)
    tokens = tokens.replace('@charset "utf-8";', "")
    header = (
        f"/* KRDS (krds-uiux {version(KRDS)}, ISC licence: LICENSE.txt beside this file).\n"
        "   Design tokens, root variables, reset, and these components: "
        + ", ".join(COMPONENTS)
        + ".\n   Made by scripts/vendor_assets.py; do not edit. */\n"
    )
    (out / "krds.css").write_text(header + tokens + body, encoding="utf-8")
    (out / "LICENSE.txt").write_text(
        f"krds-uiux {version(KRDS)} (npm), the Korean government's design system KRDS.\n"
        "Its package.json declares the ISC licence; its README refers to the KRDS terms of use\n"
        "(www.krds.go.kr, 저작권 및 라이선스).\n\n"
        "ISC License\n\n"
        "Permission to use, copy, modify, and/or distribute this software for any purpose with\n"
        "or without fee is hereby granted, provided that the above copyright notice and this\n"
        "permission notice appear in all copies.\n\n"
        'THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES WITH REGARD\n'
        "TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS. IN\n"
        "NO EVENT SHALL THE AUTHOR BE LIABLE FOR ANY SPECIAL, DIRECT, INDIRECT, OR\n"
        "CONSEQUENTIAL DAMAGES OR ANY DAMAGES WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR\n"
        "PROFITS, WHETHER IN AN ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION,\n"
        "ARISING OUT OF OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.\n",
        encoding="utf-8",
    )


def vendor_font() -> None:
    out = OUT / "pretendard-gov"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    faces = [
        f"/* Pretendard GOV {version(FONT.parent)} (OFL-1.1: LICENSE.txt beside this file),\n"
        "   the KS X 1001 subset. Made by scripts/vendor_assets.py; do not edit. */\n"
    ]
    for weight, name in WEIGHTS.items():
        file_name = f"PretendardGOV-{name}.subset.woff2"
        shutil.copyfile(FONT / "web" / "static" / "woff2-subset" / file_name, out / file_name)
        faces.append(
            "@font-face {\n"
            "  font-family: 'Pretendard GOV';\n"
            f"  font-weight: {weight};\n"
            "  font-display: swap;\n"
            f"  src: local('Pretendard GOV {name}'), url({file_name}) format('woff2');\n"
            "}\n"
        )
    (out / "pretendard-gov.css").write_text("".join(faces), encoding="utf-8")
    shutil.copyfile(FONT / "LICENSE.txt", out / "LICENSE.txt")


def main() -> None:
    if not KRDS.is_dir() or not FONT.is_dir():
        sys.exit("node_modules has no krds-uiux or pretendard-gov: run `npm ci` first")
    vendor_krds()
    vendor_font()
    for path in sorted(OUT.rglob("*")):
        if path.is_file():
            print(f"{path.stat().st_size:>9,}  {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
