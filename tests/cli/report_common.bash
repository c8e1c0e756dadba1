# Checks shared by the report tests (sourced after common.bash; not a test itself).

# check_report DIR FIGURE...: the page names each figure once, with an <svg per figure, and each
# figure's CSV has a header and rows and its script reads it.
check_report() {
  local dir="$1"; shift
  [ -f "$dir/index.html" ] || fail "$dir/index.html not written"
  local svgs
  svgs="$(grep -o '<svg' "$dir/index.html" | wc -l)"
  [ "$svgs" = "$#" ] || fail "$dir/index.html: $svgs <svg for $# figures ($*)"
  for figure in "$@"; do
    expect_in "$dir/index.html" "<section id=\"$figure\">"
    [ "$(wc -l < "$dir/$figure.csv")" -ge 3 ] || fail "$dir/$figure.csv has no rows"
    expect_in "$dir/$figure.gp" "data = '$figure.csv'"
  done
  if grep -qE '<script|<link|src="http|href="http' "$dir/index.html"; then
    fail "$dir/index.html loads something from elsewhere"
  fi
}

# render DIR: headless Chromium's screenshot of the page, which must show more than a blank page
# (many colours: the figures' lines, points and bands). Text alone is not enough: the demo's page
# with its SVGs emptied shows about 500 colours (anti-aliased text, links), with its figures 4900;
# the Chinchilla fit's page 5700.
render() {
  command -v chromium >/dev/null || { echo "chromium not installed: not rendered" >&2; return 0; }
  local shot="$WORK/shot.png"
  rm -f "$shot"
  timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --screenshot="$shot" --window-size=1200,3000 "file://$1/index.html" >/dev/null 2>&1 || true
  [ -s "$shot" ] || fail "chromium wrote no screenshot of $1/index.html"
  /usr/bin/python3 - "$shot" <<'PY' || fail "the screenshot of $1/index.html looks blank"
import sys
from PIL import Image
image = Image.open(sys.argv[1]).convert("RGB")
colours = image.getcolors(maxcolors=1 << 20) or []
non_white = sum(count for count, colour in colours if colour != (255, 255, 255))
assert len(colours) > 1500 and non_white > 0.02 * image.width * image.height, (len(colours), non_white)
print("screenshot:", image.size, len(colours), "colours")
PY
}
