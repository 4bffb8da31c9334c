//! Unit tests of the evaluator's bounds on what a few bytes can make it do (found by
//! mutation fuzzing): module instances, module depth, and loops once the budget is spent.
//! Their time and memory are measured by `benches/hostile.sh`, never asserted here.

use super::*;

const INSTANCE: &str = "resource \"x_y\" \"r\" {\n  a = 1\n}\n";

fn module_call(name: &str, source: &str, count: usize) -> String {
    format!("module \"{name}\" {{\n  source = \"{source}\"\n  count  = {count}\n}}\n")
}

#[test]
fn module_instances_are_bounded_per_root_and_the_bound_is_said() {
    // 3 x 2 instances: well inside the bound, all read.
    let small = run(&[
        ("main.tf", &module_call("a", "./m1", 3)),
        ("m1/main.tf", &module_call("b", "../m2", 2)),
        ("m2/main.tf", INSTANCE),
    ]);
    assert_eq!(small.blocks.len(), 6);
    assert!(small.skipped.is_empty(), "{:?}", small.skipped);
    // 10,000 x 10,000 (a hundred million instances from 101 bytes): the inner calls are
    // not read, and the run says so once.
    let big = run(&[
        ("main.tf", &module_call("a", "./m1", 10_000)),
        ("m1/main.tf", &module_call("b", "../m2", 10_000)),
        ("m2/main.tf", INSTANCE),
    ]);
    assert!(big.blocks.is_empty(), "{} blocks", big.blocks.len());
    assert_eq!(big.skipped.len(), 1, "{:?}", big.skipped);
    assert!(
        big.skipped[0].starts_with("m1/main.tf: module.b in module.a[0]: more than 10000 module instances")
    );
    // One note per root module that hits the bound, whichever core evaluates it.
    let two = run(&[
        ("x/main.tf", &module_call("a", "../m1", 10_000)),
        ("y/main.tf", &module_call("a", "../m1", 10_000)),
        ("m1/main.tf", &module_call("b", "../m2", 10_000)),
        ("m2/main.tf", INSTANCE),
    ]);
    assert_eq!(two.skipped.len(), 2, "{:?}", two.skipped);
}

#[test]
fn modules_nested_too_deep_are_said_not_read() {
    let mut list: Vec<(String, String)> = vec![("main.tf".into(), module_call("m", "./m0", 1))];
    for depth in 0..17 {
        list.push((format!("m{depth}/main.tf"), module_call("m", &format!("../m{}", depth + 1), 1)));
    }
    list.push(("m17/main.tf".into(), INSTANCE.into()));
    let borrowed: Vec<(&str, &str)> = list.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let ev = run(&borrowed);
    assert!(ev.blocks.is_empty());
    assert_eq!(ev.skipped.len(), 1, "{:?}", ev.skipped);
    assert!(
        ev.skipped[0]
            .contains("modules nested more than 16 deep are not evaluated; its resources are not read")
    );
}

#[test]
fn loops_stop_once_the_budget_is_spent_and_their_value_is_unknown() {
    let main = r#"
locals {
  r = range(10000)
  x = [for a in local.r : [for b in local.r : [for c in local.r : c]]]
}
resource "x_y" "r" {
  n = length(local.x)
  dynamic "disk" {
    for_each = range(10000)
    content {
      size = disk.value
    }
  }
}
resource "x_y" "after" {
  small = [for n in ["x"] : upper(n)][0]
}
"#;
    let ev = run(&[("main.tf", main)]);
    // Unknown for a bound: the steps, or the size of the values made.
    let bound = |name: &str| {
        let why = unknown(attr(&ev, "x_y.r", name));
        assert!(why.contains("budget is spent") || why.contains("too large to evaluate"), "{name}: {why}");
    };
    bound("n");
    bound("disk");
    // A loop begun after those values were refused runs as usual.
    assert_eq!(string(attr(&ev, "x_y.after", "small")), "X");
}
