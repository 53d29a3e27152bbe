# t_tree.sh — what the source tree promises about itself: every benchmark
# script (an executable file of bench/) is run by `make bench`,
# `make bench-web` or `make bench-pg` and named in bench/README.md; docs/admin.md has one
# title (a single "# " heading) and its headings never skip a level.
. "$CLI_DIR/lib.sh"

ROOT=$CLI_DIR/../..
[ -f "$ROOT/Makefile" ] && [ -d "$ROOT/bench" ] || fail "the source tree is not at $ROOT"

note "every bench script is in make bench (or make bench-web, make bench-pg) and in bench/README.md"
ok make -s -n -C "$ROOT" -f Makefile bench bench-web bench-pg
cp "$OUT" recipes.txt
for f in "$ROOT"/bench/*; do
    # scripts only: bench/gen, bench/docs and bench/sup are programs built from bench/*.c
    [ -f "$f" ] && [ -x "$f" ] && [ "$(head -c 2 "$f")" = "#!" ] || continue
    b=bench/$(basename "$f")
    # a word of a recipe (bench/budgets runs the others: several on a line)
    check "$b is run by make bench, bench-web or bench-pg" grep -Eq "(^|[[:space:]])$b([[:space:]]|\\\\|$)" recipes.txt
    check "$b is described in bench/README.md" grep -q "\`$b\`" "$ROOT/bench/README.md"
done
check "bench/tls is in make bench itself" bash -c "make -s -n -C '$ROOT' bench | grep -Eq '(^| )bench/tls( |\$)'"

note "docs/admin.md: one title, headings one level at a time"
py - "$ROOT/docs/admin.md" <<'PY' >headings.txt
import re, sys
fence, levels = False, []
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("```"):
        fence = not fence
        continue
    m = re.match(r"(#+) \S", line)
    if m and not fence:
        levels.append((len(m.group(1)), line.strip()))
print(sum(1 for n, _ in levels if n == 1))
print(levels[0][0] if levels else 0)
jumps = [h for (a, _), (b, h) in zip(levels, levels[1:]) if b > a + 1]
print(len(jumps), "; ".join(jumps))
PY
check "exactly one '# ' heading" [ "$(sed -n 1p headings.txt)" = 1 ]
check "and it comes first" [ "$(sed -n 2p headings.txt)" = 1 ]
check "no heading skips a level ($(sed -n 3p headings.txt))" [ "$(sed -n 3p headings.txt | cut -d' ' -f1)" = 0 ]
finish
