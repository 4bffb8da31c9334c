//! Parallel parsing and evaluation must not change the output: a run on one thread and
//! a run on many produce the same bytes.

mod common;

use common::{AS_OF, ecslint, run_command, scratch_dir, write_files};

fn corpus() -> Vec<(String, String)> {
    let regions = ["cn-hangzhou", "cn-shanghai", "ap-southeast-1", "cn-hongkong", "cn-hangzou"];
    let types = ["ecs.g7.large", "ecs.t5-lc1m2.small", "ecs.g8y.large", "ecs.g7.larg"];
    let images = [
        "ubuntu_16_0402_32_20G_alibase_20180409.vhd",
        "centos_7_9_x64_20G_alibase_20240628.vhd",
        "aliyun_3_x64_20G_alibase_20240819.vhd",
        "win2019_1809_x64_dtc_en-us_40G_alibase_20240515.vhd",
    ];
    (0..120)
        .map(|i| {
            let text = format!(
                "kind: Image\nname: img-{i}\ntype: custom\nos: {{family: rhel, version: \"8\"}}\narchitecture: {arch}\n\
                 regions: [{region}]\nderivedFrom: {image}\nsharedWith: [\"123456789012345{d}\", \"12345\"]\n---\n\
                 kind: Instance\nname: vm-{i}\nregion: {region}\ninstanceType: {ty}\nimage: {target}\ncount: {count}\n{extra}",
                arch = if i % 3 == 0 { "i386" } else { "x86_64" },
                region = regions[i % regions.len()],
                image = images[i % images.len()],
                d = i % 10,
                ty = types[i % types.len()],
                target = if i % 2 == 0 { format!("img-{i}") } else { images[i % images.len()].to_string() },
                count = i % 4 + 1,
                extra = if i % 7 == 0 { "billng: Subscription\n" } else { "" },
            );
            (format!("specs/{i:03}.yaml"), text)
        })
        .collect()
}

#[test]
fn one_thread_and_many_threads_give_identical_output() {
    let dir = scratch_dir("parallel");
    let files = corpus();
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    write_files(&dir, &borrowed);
    for format in ["json", "human"] {
        let output = |threads: &str| {
            let mut command = ecslint();
            command
                .current_dir(&dir)
                .env("RAYON_NUM_THREADS", threads)
                .args(["check", "--as-of", AS_OF, "--color", "never", "--format", format, "specs"]);
            run_command(command, None)
        };
        let single = output("1");
        let many = output("8");
        assert_eq!(single.code, Some(1), "{}", single.describe());
        assert!(single.stdout.len() > 10_000, "the corpus should produce many findings");
        assert!(single.stdout == many.stdout, "{format}: output differs between 1 and 8 threads");
    }
}
