//! Licence fees: which paid image an image's fee comes from, and what the fee costs an
//! instance. The fee follows the image's origin: a commercial public image (RHEL, SLES,
//! Windows Server, Alibaba Cloud Linux 3 Pro), an imported Windows image with Alibaba
//! Cloud's licence, or, for a custom, shared or community image that was not imported,
//! its own OS when only a paid public image provides it ([`inferred_paid`]).

use super::ImageBase;
use crate::catalog::{Catalog, InstanceType, LicenseFee};
use crate::engine::expr::{CelVal, MapVal, null_val};
use cel::common::types::{CelBool, CelDouble, CelInt, CelString};
#[cfg(test)]
use serde_json::{Value as Json, json};
use std::borrow::Cow;

/// The paid image a licence fee comes from.
#[derive(Clone, Debug)]
pub struct PaidOrigin<'a> {
    pub name: Option<&'a str>,
    pub family: Cow<'a, str>,
    pub version: Cow<'a, str>,
    pub imported: bool,
    /// Known from the image's own OS rather than from a paid image in its chain.
    pub inferred: bool,
}

/// What pricing a fee needs to know about the instance.
#[derive(Clone, Copy, Debug)]
pub struct InstanceContext<'a> {
    /// The instance type as the instance writes it; `None` when it is not known (an IaC
    /// value known only at deploy time). Not an input of `fee`: a fee applies whatever the
    /// type, which only prices it.
    pub type_id: Option<&'a str>,
    /// That type in the catalog.
    pub instance_type: Option<&'a InstanceType>,
    pub mainland: Option<bool>,
    pub count: u64,
    pub subscription: bool,
}

/// `fee` as rules read it: the CEL map [`fee_facts`] converted by `to_val` is, made
/// without the JSON in between (building and converting it was 21 M instructions of a
/// 1,500-file check, one paid image in three). A test compares the two.
pub(super) fn fee_val(
    entry: &LicenseFee,
    origin: &PaidOrigin<'_>,
    instance: Option<InstanceContext<'_>>,
) -> CelVal<'static> {
    let text = |text: &Cow<'static, str>| -> CelVal<'static> {
        match text {
            Cow::Borrowed(text) => Box::new(CelString::from(*text)),
            Cow::Owned(text) => Box::new(CelString::from(text.clone())),
        }
    };
    let flag = |value: bool| -> CelVal<'static> { Box::new(CelBool::from(value)) };
    // A JSON number from an `f64` is a double, and null when not finite.
    let double = |value: f64| -> CelVal<'static> {
        if value.is_finite() { Box::new(CelDouble::from(value)) } else { null_val() }
    };
    let mut fee = MapVal::with_capacity(20);
    fee.put("name", text(entry.name.as_ref().unwrap_or(&entry.family)));
    fee.put("family", text(&entry.family));
    fee.put("origin", origin.name.map_or_else(null_val, |name| Box::new(CelString::from(name.to_string()))));
    fee.put("imported", flag(origin.imported));
    fee.put("inferred", flag(origin.inferred));
    fee.put("currency", entry.currency.as_ref().map_or_else(null_val, text));
    fee.put("outsideMainlandOnly", flag(entry.outside_mainland_only));
    fee.put("source", text(&entry.source));
    fee.put("published", flag(!entry.tiers.is_empty()));
    let (mut priced, mut hourly, mut monthly, mut yearly) = (false, null_val(), null_val(), null_val());
    let (mut count, mut total, mut period): (CelVal<'static>, _, _) =
        (Box::new(CelInt::from(1)), null_val(), null_val());
    let mut applies = true;
    let (mut type_id, mut in_catalog) = (null_val(), false);
    if let Some(instance) = instance {
        applies = !entry.outside_mainland_only || instance.mainland == Some(false);
        if let Some(id) = instance.type_id {
            type_id = Box::new(CelString::from(id.to_string()));
        }
        in_catalog = instance.instance_type.is_some();
        // A JSON number from a `u64` is an int where one holds it, else a double.
        #[allow(clippy::cast_precision_loss)] // as JSON converts it
        let as_double = instance.count as f64;
        count = i64::try_from(instance.count)
            .map_or_else(|_| double(as_double), |n| Box::new(CelInt::from(n)) as CelVal<'static>);
        if let Some(tier) = instance.instance_type.and_then(|t| entry.tier(t.vcpus)) {
            priced = true;
            (hourly, monthly, yearly) = (double(tier.hourly), double(tier.monthly), double(tier.yearly));
            let (price, per) =
                if instance.subscription { (tier.monthly, "month") } else { (tier.hourly, "hour") };
            total = double(price * as_double);
            period = Box::new(CelString::from(per));
        }
    }
    fee.put("priced", flag(priced));
    fee.put("hourly", hourly);
    fee.put("monthly", monthly);
    fee.put("yearly", yearly);
    fee.put("count", count);
    fee.put("total", total);
    fee.put("totalPeriod", period);
    fee.put("applies", flag(applies));
    fee.put("instanceType", type_id);
    fee.put("typeInCatalog", flag(in_catalog));
    fee.build()
}

/// The fee's facts as JSON: what [`fee_val`] makes, written plainly, for its test.
#[cfg(test)]
pub(super) fn fee_facts(
    entry: &LicenseFee,
    origin: &PaidOrigin<'_>,
    instance: Option<InstanceContext<'_>>,
) -> Json {
    let name = entry.name.clone().unwrap_or_else(|| entry.family.clone());
    let mut facts = json!({
        "name": name,
        "family": entry.family,
        "origin": origin.name,
        "imported": origin.imported,
        "inferred": origin.inferred,
        "currency": entry.currency,
        "outsideMainlandOnly": entry.outside_mainland_only,
        "source": entry.source,
        "published": !entry.tiers.is_empty(),
        "priced": false,
        "hourly": null, "monthly": null, "yearly": null,
        "count": 1, "total": null, "totalPeriod": null,
        "applies": true,
        "instanceType": null,
        "typeInCatalog": false,
    });
    let Some(instance) = instance else { return facts };
    let applies = !entry.outside_mainland_only || instance.mainland == Some(false);
    facts["applies"] = json!(applies);
    facts["instanceType"] = json!(instance.type_id);
    facts["typeInCatalog"] = json!(instance.instance_type.is_some());
    facts["count"] = json!(instance.count);
    let tier = instance.instance_type.and_then(|t| entry.tier(t.vcpus));
    if let Some(tier) = tier {
        #[allow(clippy::cast_precision_loss)] // instance counts are far below 2^52
        let count = instance.count as f64;
        facts["priced"] = json!(true);
        facts["hourly"] = json!(tier.hourly);
        facts["monthly"] = json!(tier.monthly);
        facts["yearly"] = json!(tier.yearly);
        if instance.subscription {
            facts["total"] = json!(tier.monthly * count);
            facts["totalPeriod"] = json!("month");
        } else {
            facts["total"] = json!(tier.hourly * count);
            facts["totalPeriod"] = json!("hour");
        }
    }
    facts
}

/// The paid image an image's fee comes from: a commercial public image, or an imported
/// Windows image whose licence is Alibaba Cloud's (`Auto`, the default, or `Aliyun`).
pub(super) fn paid_origin<'a>(image: &ImageBase<'a>, catalog: &Catalog) -> Option<PaidOrigin<'a>> {
    let os = image.os.as_ref()?;
    let public = image.image_type == Some("public") && catalog.license_fee(&os.family, &os.version).is_some();
    let imported_windows =
        image.imported && os.family == "windows-server" && image.license_type.is_none_or(|l| l != "BYOL");
    (public || imported_windows).then(|| PaidOrigin {
        name: image.name,
        family: os.family.clone(),
        version: os.version.clone(),
        imported: image.imported,
        inferred: false,
    })
}

/// A custom, shared or community image that was not imported and whose own OS carries a
/// licence fee came from a paid public image, whatever its `derivedFrom` says or lacks:
/// Alibaba Cloud offers no other way to run RHEL, SLES or Windows Server (or Alibaba
/// Cloud Linux 3 Pro) on ECS than its paid images, and an image made from an instance
/// keeps the fee of the image the instance was created from. Its origin is itself, with
/// `inferred` set, so the finding can say why.
pub(super) fn inferred_paid<'a>(image: &ImageBase<'a>, catalog: &Catalog) -> Option<PaidOrigin<'a>> {
    let os = image.os.as_ref()?;
    let derived = matches!(image.image_type, Some("custom" | "shared" | "community"));
    (derived && !image.imported && catalog.license_fee(&os.family, &os.version).is_some()).then(|| {
        PaidOrigin {
            name: image.name,
            family: os.family.clone(),
            version: os.version.clone(),
            imported: false,
            inferred: true,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::expr::to_val;
    use crate::engine::view::materialize;

    /// Every built-in fee, for an image alone and for instances of every tier's size, in and
    /// out of the mainland, by the hour and by subscription, one and many: the map made
    /// directly is the map the JSON converts to.
    #[test]
    fn fee_values_are_the_json_facts_converted() {
        let catalog = Catalog::builtin().unwrap_or_else(|e| panic!("{e:?}"));
        let types: Vec<&InstanceType> = catalog.instance_types().step_by(7).collect();
        let origins = [
            PaidOrigin {
                name: None,
                family: "x".into(),
                version: "1".into(),
                imported: false,
                inferred: true,
            },
            PaidOrigin {
                name: Some("img"),
                family: "y".into(),
                version: "2".into(),
                imported: true,
                inferred: false,
            },
        ];
        let mut compared = 0;
        for entry in catalog.license_fees() {
            for origin in &origins {
                let mut contexts = vec![None];
                for (type_id, instance_type, mainland, count, subscription) in [
                    (None, None, None, 1, false),
                    (Some("ecs.unknown.large"), None, Some(false), 1, false),
                    (types.first().map(|t| t.id.as_ref()), types.first().copied(), Some(true), 3, true),
                    (
                        types.last().map(|t| t.id.as_ref()),
                        types.last().copied(),
                        Some(false),
                        u64::MAX,
                        false,
                    ),
                ] {
                    contexts.push(Some(InstanceContext {
                        type_id,
                        instance_type,
                        mainland,
                        count,
                        subscription,
                    }));
                }
                contexts.extend(types.iter().map(|t| {
                    Some(InstanceContext {
                        type_id: Some(t.id.as_ref()),
                        instance_type: Some(*t),
                        mainland: Some(false),
                        count: 2,
                        subscription: true,
                    })
                }));
                for instance in contexts {
                    let direct = materialize(fee_val(entry, origin, instance).as_ref());
                    let converted = materialize(to_val(&fee_facts(entry, origin, instance)).as_ref());
                    assert_eq!(direct, converted, "{} {:?}", entry.family, instance.map(|i| i.count));
                    compared += 1;
                }
            }
        }
        assert!(compared > 100, "{compared} fees compared");
    }
}
