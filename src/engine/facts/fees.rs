//! Licence fees: which paid image an image's fee comes from, and what the fee costs an
//! instance. The fee follows the image's origin: a commercial public image (RHEL, SLES,
//! Windows Server, Alibaba Cloud Linux 3 Pro), an imported Windows image with Alibaba
//! Cloud's licence, or, for a custom, shared or community image that was not imported,
//! its own OS when only a paid public image provides it ([`inferred_paid`]).

use super::ImageBase;
use crate::catalog::{Catalog, InstanceType, LicenseFee};
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
    pub instance_type: Option<&'a InstanceType>,
    pub mainland: Option<bool>,
    pub count: u64,
    pub subscription: bool,
}

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
    });
    let Some(instance) = instance else { return facts };
    let applies = !entry.outside_mainland_only || instance.mainland == Some(false);
    facts["applies"] = json!(applies);
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
