#!/usr/bin/env python3
"""Generates the benchmark corpus: N spec files, each a custom Image and an Instance.

Values come from the built-in catalog under rules/catalog/ (regions and their zones,
instance types with their architecture, OS families and versions), read with a few
regular expressions so that nothing beyond python3 is needed. The output is
deterministic (a fixed seed), so runs compare.

    benches/gen_corpus.py OUT_DIR [FILES]
"""

import os
import random
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CATALOG = os.path.join(ROOT, "rules", "catalog")


def read(name):
    with open(os.path.join(CATALOG, name), encoding="utf-8") as f:
        return f.read()


def regions():
    """(region, [zones]) for every region of regions.yaml."""
    text = read("regions.yaml")
    found = []
    for block in re.split(r"\n  - id: ", text)[1:]:
        region = block.split("\n", 1)[0].strip()
        zones = re.search(r"zones: \[([^\]]*)\]", block, re.S)
        names = [z.strip() for z in zones.group(1).split(",")] if zones else []
        found.append((region, [z for z in names if z]))
    return found


def instance_types():
    """(type, architecture) for every instance type of instance-types.yaml."""
    found = []
    for block in re.split(r"\n  - family: ", read("instance-types.yaml"))[1:]:
        arch = re.search(r"architecture: (\S+)", block)
        for type_id in re.findall(r"\{id: (ecs\.[^,]+),", block):
            found.append((type_id, arch.group(1) if arch else "x86_64"))
    return found


def operating_systems():
    """(family, version) for every entry of os-lifecycle.yaml."""
    pairs = re.findall(r"- family: (\S+)\n\s+version: \"([^\"]+)\"", read("os-lifecycle.yaml"))
    return sorted(set(pairs))


def account(rng):
    return "".join(rng.choice("0123456789") for _ in range(16))


def spec(index, rng, all_regions, types, systems):
    region, zones = rng.choice(all_regions)
    type_id, arch = rng.choice(types)
    family, version = rng.choice(systems)
    # Mostly consistent specs, with a share of the mistakes the rules look for.
    image_arch = arch if rng.random() < 0.9 else rng.choice(["x86_64", "arm64", "i386"])
    image_regions = [region] if rng.random() < 0.9 else [rng.choice(all_regions)[0]]
    image_regions += [r for r, _ in rng.sample(all_regions, rng.randint(0, 3)) if r not in image_regions]
    shares = rng.choice([0, 0, 0, 1, 3, 10, 49, 50, 51, 60])
    image = [
        "kind: Image",
        f"name: img-{index:05d}",
        f"id: m-bench{index:012d}",
        "type: custom",
        "os:",
        f"  family: {family}",
        f'  version: "{version}"',
        f"architecture: {image_arch}",
        f"regions: [{', '.join(image_regions)}]",
    ]
    if rng.random() < 0.5:
        image.append(f"bootMode: {rng.choice(['BIOS', 'UEFI', 'UEFI-Preferred'])}")
    if shares:
        image.append("sharedWith:")
        image += [f'  - "{account(rng)}"' for _ in range(shares)]
    image += ["labels:", f"  team: team-{index % 37}"]
    instance = ["kind: Instance", f"name: vm-{index:05d}", f"region: {region}"]
    if zones and rng.random() < 0.7:
        instance.append(f"zone: {rng.choice(zones)}")
    instance += [
        f"instanceType: {type_id}",
        f"image: img-{index:05d}",
        f"count: {rng.randint(1, 8)}",
        f"billing: {rng.choice(['PayAsYouGo', 'Subscription'])}",
        "labels:",
        f"  app: app-{index % 101}",
    ]
    # One YAML document holding a list of the two resources: cfn-guard reads only the
    # first document of a file, so this shape lets both tools see everything.
    lines = []
    for resource in (image, instance):
        lines += [("- " if i == 0 else "  ") + line for i, line in enumerate(resource)]
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) == 3 else 10_000
    rng = random.Random(20261122)
    all_regions, types, systems = regions(), instance_types(), operating_systems()
    if not (all_regions and types and systems):
        sys.exit("gen_corpus.py: could not read the catalog under rules/catalog/")
    os.makedirs(out, exist_ok=True)
    for index in range(count):
        # 100 files per directory, as a repository would spread them.
        directory = os.path.join(out, f"team-{index // 100:03d}")
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, f"spec-{index:05d}.yaml"), "w", encoding="utf-8") as f:
            f.write(spec(index, rng, all_regions, types, systems))
    print(
        f"generated {count} spec files ({2 * count} resources) in {out} from "
        f"{len(all_regions)} regions, {len(types)} instance types, {len(systems)} OS versions"
    )


if __name__ == "__main__":
    main()
