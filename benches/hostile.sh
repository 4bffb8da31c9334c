#!/usr/bin/env bash
# ecslint under hostile input (issue 13, every item with a size or time bound, and issue 12
# item 9): generates each case into a temporary directory and prints, per case, the wall
# time and peak memory of one `ecslint check` (`/usr/bin/time -f '%e s %M KiB'`), its exit
# status and the bytes it wrote to standard output. The bound each case must meet is under
# 5 s and 512 MiB on the 2-core machine: measured here, never asserted (the tests check what
# the output says, with a generous hang guard: tests/engine_hostile.rs, tests/team_rules.rs,
# tests/render_hostile.rs, tests/source_hostile.rs, tests/files_hostile.rs). Every run is
# wrapped in `timeout 20`, so a hang shows as exit 124 instead of stopping the script.
#
# Run after `cargo build --release`. Needs bash, python3, GNU time, timeout and mkfifo.
# Environment: ECSLINT (the binary, default target/release/ecslint); JUNIT_FILES (the files
# of the JUnit case, default 100000); CASES (an extended regular expression: only the cases
# whose name matches it run, e.g. `CASES='13\.8|JUnit'`; all of them by default).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${ECSLINT:-$ROOT/target/release/ecslint}
JUNIT_FILES=${JUNIT_FILES:-100000}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ecslint-hostile.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

if [[ ! -x $BIN ]]; then
    echo "hostile.sh: $BIN not found; run \`cargo build --release\` first" >&2
    exit 2
fi
BIN=$(realpath "$BIN")  # the cases run in $WORK

python3 - "$WORK" "$JUNIT_FILES" <<'PY'
import json, os, sys
work, junit_files = sys.argv[1], int(sys.argv[2])
def write(name, text):
    path = os.path.join(work, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)

instance = ("kind: Instance\nname: {name}\nregion: cn-hangzhou\ninstanceType: {type}\n"
            "image: {image}\n")
public = "aliyun_3_x64_20G_alibase_20240819.vhd"

# 13.4: did-you-mean on huge words.
for mb in (1, 4):
    write(f"type-{mb}mb.yaml", instance.format(name="web", type="ecs.g7." + "x" * (mb << 20), image=public))
write("key-15mb.json",
      '{"kind": "Instance", "name": "api", "region": "cn-hangzhou", "instanceType": "ecs.g7.large", '
      f'"image": "{public}", "{"k" * (15 << 20)}": 1}}')

# 13.3: 8,000 chained images, and a cycle of 8,000.
def chain(prefix, count, root):
    out = []
    for i in range(count):
        parent = root if i == 0 else f"{prefix}-{i - 1}"
        out.append(f"---\nkind: Image\nname: {prefix}-{i}\ntype: custom\nregions: [cn-hangzhou]\n"
                   f"derivedFrom: {parent}\n")
    return "".join(out)
write("chain-8000.yaml", chain("img", 8000, public))
write("cycle-8000.yaml", chain("loop", 8000, "loop-7999"))

# 13.5: 10,000 images and 10,000 unresolved instances.
images, instances = [], []
for i in range(10000):
    images.append(f"---\nkind: Image\nname: image-{i:05}\ntype: custom\n"
                  "os: {family: ubuntu, version: '24.04'}\narchitecture: x86_64\nregions: [cn-hangzhou]\n")
    instances.append("---\n" + instance.format(name=f"vm-{i:05}", type="ecs.g7.large", image=f"missing-{i:05}"))
write("images-10000.yaml", "".join(images))
write("unresolved-10000.yaml", "".join(instances))

# 13.8: 10.8 MB of `- x` under sharedWith (2.7 million entries).
write("shares-2.7m.yaml",
      "kind: Image\nname: shared\ntype: custom\nos: {family: ubuntu, version: '24.04'}\n"
      "architecture: x86_64\nregions: [cn-hangzhou]\nsharedWith:\n" + "- x\n" * 2_700_000)

# 13.11: team rules over their budget; 12.9: a team rule failing on 10,000 instances.
def rule(code, body):
    return (f"code: {code}\nname: rule-{code.lower()}\nseverity: error\n{body}\n"
            "docs: {summary: s, why: w, example: e, fix: f}\n")
for name, body in {
    "range": 'on: instance\nassert: "size(lists.range(100000).map(a, lists.range(100000).map(b, a + b))) > 0"\nmessage: m',
    "replace": "on: instance\nassert: \"'x'" + ".replace('x', 'xxxxxxxxxx')" * 9 + " != ''\"\nmessage: m",
    "failing": "on: instance\nassert: resource.labels.team == 'web'\nmessage: m",
}.items():
    os.makedirs(os.path.join(work, "rules-" + name))
    write(f"rules-{name}/ORG001.yaml", rule("ORG001", body))
write("instances-10000.yaml", "".join(
    "---\n" + instance.format(name=f"vm-{i:05}", type="ecs.g7.large", image=public) for i in range(10000)))

# --- Rendering, parsing and files (tests/render_hostile.rs, source_hostile.rs, files_hostile.rs)

def instance_json(name, pad, tail=""):
    """One instance as a one-line JSON object: `pad` in a label before the fields, an instance
    type the catalog does not know (S007), then `tail` (more fields)."""
    return ('{"kind":"Instance","name":"%s","labels":{"pad":%s},"region":"cn-hangzhou",'
            '"instanceType":"ecs.zz9.large","image":"%s"%s}' % (name, json.dumps(pad, ensure_ascii=False), public, tail))

# 13.1: findings past display column 65,535 (16,400 tabs in a YAML string; a one-line
# JSON file with its finding at the end; emoji and CJK on one line).
write("tabs.yaml", "{kind: Instance, name: tabs, labels: {pad: \"%s\"}, region: cn-hangzhou, "
      "instanceType: ecs.zz9.large, image: %s}\n" % ("\t" * 16_400, public))
write("long.json", instance_json("long", "a" * 65_500, ',"zzz":1') + "\n")
write("emoji.json", instance_json("emoji", "😀" * (131_000 // 4)) + "\n")
write("cjk.json", instance_json("cjk", "漢" * (98_000 // 3)) + "\n")

# A custom image listing 100,000 regions none of which exist (each region once: the
# facts took 11 s searching the list pairwise for repeats).
write("regions-100000.yaml", "kind: Image\nname: img\ntype: custom\nos: {family: ubuntu, version: '24.04'}\n"
      "architecture: x86_64\nregions:\n" + "".join(f"  - xx-region-{i}\n" for i in range(100_000)))

# Terraform object keys written twice, which are renamed and the file parsed again: 300
# repeated keys at the end of a 4.4 MB file (52 s before the bound on text parsed again).
write("dup-keys.tf", "locals {\n" + "".join(f'  k{i} = "{"x" * 60}"\n' for i in range(60_000))
      + "  o = {\n" + "    d = 1\n" * 300 + "  }\n}\n")

# Terraform expansion (found by mutation fuzzing): a module called with `count = 10000` by a
# module called with `count = 10000` (101 bytes: 15 GB before module instances were bounded);
# `for` three deep over `range(10000)` (8 s: loops went on after the budget was spent); a
# `dynamic` block over `range(10000)` in each of 10,000 instances (560 MB: blocks made were
# not charged to the budget).
write("tf-modules/main.tf", 'module "a" {\n  source = "./m1"\n  count  = 10000\n}\n')
write("tf-modules/m1/main.tf", 'module "b" {\n  source = "../m2"\n  count  = 10000\n}\n')
write("tf-modules/m2/main.tf", 'resource "alicloud_instance" "x" {\n  instance_type = "ecs.g7.large"\n'
      '  image_id      = "aliyun_3_x64_20G_alibase_20240819.vhd"\n}\n')
write("tf-for/main.tf", 'locals {\n  r = range(10000)\n'
      '  x = [for a in local.r : [for b in local.r : [for c in local.r : c]]]\n}\n'
      'resource "alicloud_instance" "x" {\n  instance_type = length(local.x)\n'
      '  image_id      = "aliyun_3_x64_20G_alibase_20240819.vhd"\n}\n')
write("tf-dynamic/main.tf", 'resource "alicloud_instance" "x" {\n  count         = 10000\n'
      '  instance_type = "ecs.g7.large"\n  image_id      = "aliyun_3_x64_20G_alibase_20240819.vhd"\n'
      '  dynamic "data_disks" {\n    for_each = range(10000)\n    content { size = data_disks.value }\n  }\n}\n')
# OpenTofu: a provider with `for_each` over 10,000 keys in each of 10,000 module instances
# (each configuration is charged to the value budget); 3,000 module directories, each
# calling a `source` template of its own that may name any of them (the checks of
# directories against templates are bounded).
write("tofu-providers/main.tofu", 'module "a" {\n  source = "./m"\n  count  = 10000\n}\n')
write("tofu-providers/m/main.tofu", 'provider "alicloud" {\n  alias    = "r"\n'
      '  for_each = toset([for i in range(10000) : "k${i}"])\n  region   = "cn-hangzhou"\n}\n'
      'resource "alicloud_instance" "x" {\n  provider      = alicloud.r["k1"]\n'
      '  instance_type = "ecs.g7.large"\n  image_id      = "aliyun_3_x64_20G_alibase_20240819.vhd"\n}\n')
for i in range(3000):
    write(f"tofu-sources/d{i:04}/main.tofu", f'module "m" {{\n  source = "../${{var.x}}-{i}"\n}}\n')
# A module whose unused variable defaults to 10,000 items, called 10,000 times (80 KB:
# 11.8 GB before each instance's variables were charged to the value budget).
write("tf-defaults/main.tf", 'module "m" {\n  source = "./m"\n  count  = 10000\n}\n')
write("tf-defaults/m/main.tf", 'variable "big" {\n  default = [' + ", ".join(str(i) for i in range(10000))
      + ']\n}\n')
# Heredocs nested 60 deep through their interpolations, 200 lines of strip markers each
# (hcl-edit dedents each level once; ecslint reads each literal again once, from its span).
def heredoc(depth):
    lines = "".join(f'  line {depth}.{i} ${{"q"}} %{{~ if true ~}} t %{{~ endif ~}}\n' for i in range(200))
    inner = heredoc(depth - 1) if depth else '"end"'
    return f"<<-E{depth}\n{lines}  ${{{inner}}}\n  E{depth}\n"
write("tf-heredocs/main.tf", "locals {\n  deep = " + heredoc(59) + "}\n")
# The HCL parser compares each key of an object with every key before it: one object of
# 40,000 items (670 KB) took 9 s. Refused past 8,192 items' worth of comparisons (S001),
# and an object of 8,000 items, just within, is the most one file may cost.
for n in (40_000, 8_000):
    write(f"tf-object-{n}/main.tf", "locals {\n  m = {\n" + "".join(f"    k{i} = \"v\"\n" for i in range(n)) + "  }\n}\n")

# Quadratic before (mutation fuzzing): 60,000 labels of one instance, each an S002 (each
# looked up from the top of the mapping: 5 s); 200,000 empty YAML documents (the whole
# file searched for a tag once per document: 10 s).
write("labels-60000.yaml", "kind: Instance\nname: a\nregion: cn-hangzhou\ninstanceType: ecs.g7.large\n"
      f"image: {public}\nlabels:\n" + "".join(f"  k{i}: 1\n" for i in range(60_000)))
write("documents-200000.yaml", "---\n" * 200_000)

# 13.2: a 1 MB scalar anchored once and aliased 1,000 and 3,000 times.
for n in (1000, 3000):
    write(f"alias-{n}.yaml", "kind: Other\nbig: &big " + "x" * 1_000_000 + "\ncopies:\n"
          + "".join(f"  k{i}: *big\n" for i in range(n)))

# 13.5: JUnit over many one-line files with one finding each, under a directory with a long
# name. The finding is a cheap one (an unknown field, S002), so the case measures the report,
# not the rule.
junit = os.path.join(work, "d" * 200)
os.makedirs(junit)
for i in range(junit_files):
    with open(os.path.join(junit, f"f{i}.yaml"), "w") as f:
        f.write(f"{{kind: Instance, name: vm{i}, region: cn-hangzhou, instanceType: ecs.g7.large, image: {public}, zzz: 1}}\n")

# 13.6: many findings in one non-ASCII file: images whose sharedWith holds 99 entries that are
# no account ID (Q004), below the cap of 100 per rule and resource, each entry padded so the
# file has the issue's size: 19,000 findings in 460 KB, 200,000 in 3.4 MB.
def shares(findings, size):
    per, head = 99, ("---\nkind: Image\nname: img-{r:06}\ntype: custom\nos: {{family: ubuntu, version: '24.04'}}\n"
                     "architecture: x86_64\nregions: [cn-hangzhou]\nsharedWith:\n")
    resources = -(-findings // per)
    entry = max(8, (size - resources * len(head.format(r=0))) // findings)  # bytes per `- ...` line
    out = []
    for r in range(resources):
        out.append(head.format(r=r))
        for j in range(min(per, findings - r * per)):
            value = f"ü{j:02}"
            value += "x" * (entry - 3 - len(value.encode()))
            out.append(f"- {value}\n")
    return "".join(out)
write("shares-19000.yaml", shares(19_000, 460_000))
write("shares-200000.yaml", shares(200_000, 3_400_000))

# 13.7: a 1 MB JSON file of 16 long lines, 307 instances a line, each with two unknown
# fields (S002) after a non-ASCII label: 9,824 findings.
def bad(name):
    return ('{"kind":"Instance","name":"%s","labels":{"note":"überall-überall-überall-überall"},"region":"cn-hangzhou",'
            '"instanceType":"ecs.g7.large","image":"%s","zzz":1,"zzy":2}' % (name, public))
write("lines.json", "[\n" + ",\n".join(",".join(bad(f"l{l}-{i}") for i in range(307)) for l in range(16)) + "\n]\n")

# 13.9: valid YAML whose scalars hold hundreds of thousands of indicators: a 2.75 MB
# Kubernetes ConfigMap embedding a JSON dashboard in a `|` block; 260,000 commas quoted.
panel = ('{"id": 1, "type": "graph", "targets": [{"expr": "rate(x[5m])", "legend": "{{pod}}"}], '
         '"gridPos": {"h": 8, "w": 12, "x": 0, "y": 0}, "options": {"a": [1, 2, 3], "b": {"c": "d"}}},')
write("configmap.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dashboards\ndata:\n"
      "  dashboard.json: |\n    {\n      \"panels\": [\n" + f"        {panel}\n" * 15_000
      + "        {}\n      ]\n    }\n  other.json: '{\"a\": [1, 2]}'\n")
commas = "a," * 260_000
write("commas.yaml", f"kind: Other\nnote: \"{commas}\"\n")

# 13.10: an 11.8 MB `.gitignore` in the walked tree, beside a spec that is still checked.
write("tree/big/.gitignore", "".join(f"pattern-{i}/\n" for i in range(740_000)))
write("tree/big/x.yaml", "kind: Instance\n")
write("tree/good.yaml", instance.format(name="good-web", type="ecs.zz9.large", image=public))

# 13.17: a config that is a FIFO (made below with mkfifo); a spec to check beside it.
write("good.yaml", instance.format(name="good-web", type="ecs.zz9.large", image=public))
PY

mkfifo "$WORK/fifo.yaml"

# One case: its name, then the arguments of `ecslint check` after the common ones
# (`--as-of 2026-11-22 --no-context`; each case adds `--no-config` unless it names a
# config). Standard output goes to $WORK/out; its size is printed.
run_case() {
    local name=$1
    shift
    [[ -n ${CASES:-} && ! $name =~ $CASES ]] && return 0
    local status=0
    /usr/bin/time -o "$WORK/time" -f '%e s %M KiB' \
        timeout -k 5 20 "$BIN" check --as-of 2026-11-22 --no-context "$@" \
        >"$WORK/out" 2>"$WORK/err" </dev/null || status=$?
    [[ $status == 124 ]] && status="124 (timed out)"
    printf '%-44s %-22s %12s B  exit %s\n' "$name" "$(tail -n 1 "$WORK/time")" "$(wc -c <"$WORK/out")" "$status"
}

cd "$WORK"
export NO_COLOR=1 COLUMNS=100
printf '%-44s %-22s %14s  %s\n' case "time, peak RSS" stdout status
# Engine (tests/engine_hostile.rs, tests/team_rules.rs).
run_case "13.4 instanceType 1 MB" --no-config --format json type-1mb.yaml
run_case "13.4 instanceType 4 MB" --no-config --format json type-4mb.yaml
run_case "13.4 unknown JSON key 15 MB" --no-config --format json key-15mb.json
run_case "13.3 derivedFrom chain 8,000" --no-config --format json chain-8000.yaml
run_case "13.3 derivedFrom cycle 8,000" --no-config --format json cycle-8000.yaml
run_case "13.5 10,000 unresolved, S004 on" --no-config --format json images-10000.yaml unresolved-10000.yaml
run_case "13.5 10,000 unresolved, S004 off" --no-config --format json --ignore S004 images-10000.yaml unresolved-10000.yaml
run_case "13.8 sharedWith 2.7M entries" --no-config --format json shares-2.7m.yaml
run_case "image with 100,000 unknown regions" --no-config --format json regions-100000.yaml
run_case "13.11 nested lists.range rule" --no-config --format json --rules rules-range instances-10000.yaml
run_case "13.11 chained replace rule" --no-config --format json --rules rules-replace instances-10000.yaml
run_case "12.9 rule failing on 10,000" --no-config --format json --rules rules-failing instances-10000.yaml
# 13.1: human output of a finding past display column 65,535.
run_case "13.1 16,400 tabs in a YAML string (16.5 KB)" --no-config tabs.yaml
run_case "13.1 one-line JSON 65 KB, finding at end" --no-config long.json
run_case "13.1 131 KB of emoji on one line" --no-config emoji.json
run_case "13.1 98 KB of CJK on one line" --no-config cjk.json
run_case "13.1 all four, --output to a file" --no-config --format json --output report.json \
    tabs.yaml long.json emoji.json cjk.json
run_case "Terraform: 300 repeated object keys, 4.4 MB" --no-config --format json dup-keys.tf
run_case "Terraform: module count 10,000 x 10,000" --no-config --format json tf-modules
run_case "Terraform: for over range(10000), 3 deep" --no-config --format json tf-for
run_case "Terraform: dynamic 10,000 x count 10,000" --no-config --format json tf-dynamic
run_case "OpenTofu: provider for_each 10,000 x 10,000" --no-config --format json tofu-providers
run_case "OpenTofu: 3,000 source templates" --no-config --format json tofu-sources
run_case "Terraform: 10,000-item default x 10,000" --no-config --format json tf-defaults
run_case "Terraform: heredocs nested 60 deep" --no-config --format json tf-heredocs
run_case "Terraform: one object of 40,000 items" --no-config --format json tf-object-40000
run_case "Terraform: one object of 8,000 items" --no-config --format json tf-object-8000
run_case "60,000 labels of one instance, each S002" --no-config --format json labels-60000.yaml
run_case "200,000 empty YAML documents" --no-config --format json documents-200000.yaml
# 13.2: aliases of a 1 MB scalar.
run_case "13.2 1 MB scalar aliased 1,000 times" --no-config --format json alias-1000.yaml
run_case "13.2 1 MB scalar aliased 3,000 times" --no-config --format json alias-3000.yaml
# 13.5: JUnit groups findings by file.
JUNIT_DIR=$(printf 'd%.0s' {1..200})  # the directory with a 200-character name
run_case "13.5 JUnit, $JUNIT_FILES files" --no-config --format junit "$JUNIT_DIR"
# 13.6: rendering many findings in one large file.
run_case "13.6 19,000 findings, 460 KB, human" --no-config shares-19000.yaml
run_case "13.6 19,000 findings, 460 KB, sarif" --no-config --format sarif shares-19000.yaml
run_case "13.6 200,000 findings, 3.4 MB, human" --no-config shares-200000.yaml
run_case "13.6 200,000 findings, 3.4 MB, sarif" --no-config --format sarif shares-200000.yaml
# 13.7: human output of many findings on 16 long lines (stdout size is the point).
run_case "13.7 9,824 findings on 16 lines, 1 MB" --no-config lines.json
# 13.9: valid YAML with indicator-heavy scalars (no S001 expected).
run_case "13.9 ConfigMap with JSON in a | block" --no-config --format json configmap.yaml
run_case "13.9 quoted string of 260,000 commas" --no-config --format json commas.yaml
# 13.10: an 11.8 MB ignore file in the walked tree.
run_case "13.10 .gitignore of 11.8 MB in the tree" --no-config --format json tree
# 13.17: config and catalog files read with bounds and file-type checks (exit 2, no block).
run_case "13.17 --catalog /dev/zero" --no-config --catalog /dev/zero good.yaml
run_case "13.17 a FIFO as --config" --config fifo.yaml good.yaml
