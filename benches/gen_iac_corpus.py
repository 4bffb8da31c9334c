#!/usr/bin/env python3
"""Generates the IaC benchmark corpora: DIR/ros/ with FILES ROS templates and
DIR/packer/ with FILES Packer templates (one directory each), two canonical resources per
template, as each spec file of the YAML corpus holds two. Values are varied, written the
way real templates write them (parameter defaults, Refs, variables), and deterministic."""
import os
import random
import sys

IMAGES = [
    "ubuntu_22_04_x64_20G_alibase_20240322.vhd",
    "aliyun_3_x64_20G_alibase_20240528.vhd",
    "centos_7_9_x64_20G_alibase_20240628.vhd",
    "win2019_1809_x64_dtc_en-us_40G_alibase_20240416.vhd",
    "debian_12_5_x64_20G_alibase_20240416.vhd",
]
TYPES = ["ecs.g7.large", "ecs.c7.xlarge", "ecs.r7.large", "ecs.g8y.large", "ecs.t6-c1m1.large"]
REGIONS = ["cn-hangzhou", "cn-shanghai", "cn-beijing", "cn-hongkong", "ap-southeast-1"]


def ros(i, rng):
    return f"""ROSTemplateFormatVersion: '2015-09-01'
Description: generated stack {i}
Parameters:
  InstanceType:
    Type: String
    Default: {rng.choice(TYPES)}
  ImageId:
    Type: String
    Default: {rng.choice(IMAGES)}
  Env:
    Type: String
    Default: {rng.choice(["prod", "staging"])}
Conditions:
  IsProd:
    Fn::Equals: [{{Ref: Env}}, prod]
Resources:
  Web{i}:
    Type: ALIYUN::ECS::Instance
    Count: {rng.randint(1, 5)}
    Properties:
      InstanceType: {{Ref: InstanceType}}
      ImageId: {{Ref: ImageId}}
      InstanceChargeType: {rng.choice(["PostPaid", "PrePaid"])}
      SystemDiskSize: {{'Fn::If': [IsProd, 40, 20]}}
      ZoneId: {{'Fn::Select': ['0', {{'Fn::GetAZs': {{Ref: 'ALIYUN::Region'}}}}]}}
      Tags:
        - Key: env
          Value: {{Ref: Env}}
  Golden{i}:
    Type: ALIYUN::ECS::CustomImage
    Properties:
      InstanceId: {{Ref: Web{i}}}
      ImageName: {{'Fn::Join': ['-', [golden, {{Ref: Env}}, '{i}']]}}
"""


def packer(i, rng):
    copies = ", ".join(f'"{r}"' for r in rng.sample(REGIONS, 2))
    return f"""variable "region" {{
  default = "{rng.choice(REGIONS)}"
}}

variable "base_image" {{
  default = "{rng.choice(IMAGES)}"
}}

locals {{
  name = "app-{i}-${{var.region}}"
}}

source "alicloud-ecs" "app" {{
  region              = var.region
  instance_type       = "{rng.choice(TYPES)}"
  source_image        = var.base_image
  image_name          = local.name
  ssh_username        = "root"
  image_copy_regions  = [{copies}]
  image_share_account = ["{rng.randint(10**15, 10**16 - 1)}"]
  image_encrypted     = {rng.choice(["true", "false"])}
}}

build {{
  sources = ["source.alicloud-ecs.app"]
  provisioner "shell" {{
    inline = ["echo {i}"]
  }}
}}
"""


def main():
    root, files = sys.argv[1], int(sys.argv[2])
    rng = random.Random(16)
    for i in range(files):
        group = f"g{i // 500:03d}"
        path = os.path.join(root, "ros", group)
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, f"stack-{i:05d}.ros.yaml"), "w") as out:
            out.write(ros(i, rng))
        path = os.path.join(root, "packer", group, f"t{i:05d}")
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, "build.pkr.hcl"), "w") as out:
            out.write(packer(i, rng))


if __name__ == "__main__":
    main()
