#!/usr/bin/env python3
"""Generates the Terraform benchmark corpus: N root modules, one directory each.

Each module is a `main.tf`, a `variables.tf` and a `terraform.tfvars` with what a team's
image pipeline holds: an instance that builds the image, the custom image taken from it
(`alicloud_image`), a copy to a second region (`alicloud_image_copy` on an aliased provider),
a share with a partner account (`alicloud_image_share_permission`) and an application
instance in the second region on the copy: two instances and one image, whose regions and
shares the copy and the share extend. Values pass through variables, defaults, tfvars and a
local, as in real configurations. Regions, zones and instance types come from the built-in
catalog (read as gen_corpus.py reads it); the public image IDs are real ones that the
fixtures use. The output is deterministic (a fixed seed), so runs compare.

    benches/gen_tf_corpus.py OUT_DIR [MODULES]
"""

import os
import random
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_corpus import account, instance_types, regions  # noqa: E402

# Real public image IDs (from fixtures/rules), with the architecture their ID gives.
PUBLIC_IMAGES = [
    ("aliyun_3_x64_20G_alibase_20240819.vhd", "x86_64"),
    ("aliyun_3_arm64_20G_alibase_20240528.vhd", "arm64"),
    ("ubuntu_24_04_x64_20G_alibase_20240812.vhd", "x86_64"),
    ("ubuntu_18_04_x64_20G_alibase_20240223.vhd", "x86_64"),
    ("centos_7_9_x64_20G_alibase_20240628.vhd", "x86_64"),
    ("win2022_21H2_x64_dtc_en-us_40G_alibase_20230915.vhd", "x86_64"),
    ("anolisos_7_9_x64_20G_anck_alibase_20230420.vhd", "x86_64"),
]


def module(index, rng, all_regions, types):
    (home, home_zones), (away, away_zones) = rng.sample(all_regions, 2)
    builder_type, builder_arch = rng.choice(types)
    app_type, app_arch = rng.choice(types)
    # Mostly consistent modules, with a share of the mistakes the rules look for.
    fitting = [i for i, a in PUBLIC_IMAGES if a == builder_arch] or [PUBLIC_IMAGES[0][0]]
    image = rng.choice(fitting) if rng.random() < 0.9 else rng.choice(PUBLIC_IMAGES)[0]
    copied = rng.random() < 0.9
    partner = account(rng) if rng.random() < 0.95 else account(rng)[:15]
    home_zone = f'\n  availability_zone = "{rng.choice(home_zones)}"' if home_zones else ""
    away_zone = f'\n  availability_zone    = "{rng.choice(away_zones)}"' if away_zones else ""
    app_image = "alicloud_image_copy.app.id" if copied else "alicloud_image.app.id"
    variables = f'''variable "region" {{
  type    = string
  default = "{home}"
}}

variable "copy_region" {{
  type = string
}}

variable "base_image_id" {{
  type    = string
  default = "{image}"
}}

variable "app_instance_type" {{
  type    = string
  default = "ecs.g7.large"
}}

variable "partner_account" {{
  type = string
}}
'''
    tfvars = f'''copy_region       = "{away}"
app_instance_type = "{app_type}"
partner_account   = "{partner}"
'''
    main = f'''provider "alicloud" {{
  region = var.region
}}

provider "alicloud" {{
  alias  = "copy"
  region = var.copy_region
}}

locals {{
  name = "app-{index:05d}"
  tags = {{
    team = "team-{index % 37}"
    app  = local.name
  }}
}}

resource "alicloud_instance" "builder" {{
  instance_name     = "${{local.name}}-builder"{home_zone}
  instance_type     = "{builder_type}"
  image_id          = var.base_image_id
  system_disk_size  = 40
  tags              = local.tags
}}

resource "alicloud_image" "app" {{
  instance_id = alicloud_instance.builder.id
  image_name  = local.name
  tags        = local.tags
}}

resource "alicloud_image_copy" "app" {{
  provider         = alicloud.copy
  source_image_id  = alicloud_image.app.id
  source_region_id = var.region
  image_name       = local.name
}}

resource "alicloud_image_share_permission" "partner" {{
  image_id   = alicloud_image.app.id
  account_id = var.partner_account
}}

resource "alicloud_instance" "app" {{
  provider             = alicloud.copy
  instance_name        = "${{local.name}}-app"{away_zone}
  instance_type        = var.app_instance_type
  image_id             = {app_image}
  instance_charge_type = "{rng.choice(["PostPaid", "PrePaid"])}"
  tags                 = local.tags
}}
'''
    return {"main.tf": main, "variables.tf": variables, "terraform.tfvars": tfvars}


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) == 3 else 2_000
    rng = random.Random(20261205)
    all_regions, types = regions(), instance_types()
    if len(all_regions) < 2 or not types:
        sys.exit("gen_tf_corpus.py: could not read the catalog under rules/catalog/")
    for index in range(count):
        # 100 modules per team directory, as a monorepo would spread them.
        directory = os.path.join(out, f"team-{index // 100:03d}", f"app-{index:05d}")
        os.makedirs(directory, exist_ok=True)
        for name, text in module(index, rng, all_regions, types).items():
            with open(os.path.join(directory, name), "w", encoding="utf-8") as f:
                f.write(text)
    print(f"generated {count} Terraform modules ({3 * count} files) in {out}")


if __name__ == "__main__":
    main()
