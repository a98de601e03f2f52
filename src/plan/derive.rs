//! Values derived from a profile that validation must check before the plan uses them: the
//! secondary region and the address ranges. One definition, so both stages agree.

use ipnet::Ipv4Net;

use crate::facts;
use crate::profile::{Environment, NetworkMode, Profile};
use crate::values;

/// The address space used when a profile names none.
pub const DEFAULT_ADDRESS_SPACE: &str = "10.40.0.0/22";

/// The secondary region: as written, `none` for none, else the primary's pair in production
/// unless REL-07 is waived.
pub fn secondary_region(profile: &Profile) -> Option<String> {
    let waived = profile.waivers.iter().any(|w| w.id == "REL-07");
    match profile.regions.secondary.as_deref() {
        Some("none") => None,
        Some(region) => Some(region.to_owned()),
        None if profile.environment == Environment::Prod && !waived => {
            facts::region(&profile.regions.primary).and_then(|r| r.pair.clone())
        }
        None => None,
    }
}

/// Address ranges of one region's virtual network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ranges {
    /// The virtual network.
    pub space: Ipv4Net,
    /// The private-endpoint subnet.
    pub endpoints: Ipv4Net,
    /// The compute subnet (customer mode).
    pub compute: Option<Ipv4Net>,
}

/// The primary region's address space, written or default.
pub fn primary_space(profile: &Profile) -> Result<Ipv4Net, String> {
    values::cidr(
        profile
            .network
            .address_space
            .as_deref()
            .unwrap_or(DEFAULT_ADDRESS_SPACE),
    )
}

/// The secondary region's address space: written, or the next block of the same size.
pub fn secondary_space(profile: &Profile) -> Result<Ipv4Net, String> {
    match profile.network.secondary_address_space.as_deref() {
        Some(text) => values::cidr(text),
        None => primary_space(profile).and_then(|primary| {
            values::next_block(primary).ok_or_else(|| {
                format!(
                    "no address block follows `{primary}`; set `network.secondary_address_space`"
                )
            })
        }),
    }
}

/// Subnets of `space`: written ones for the primary region, else the first quarter for
/// endpoints and the second half for compute (customer mode only).
pub fn ranges(profile: &Profile, space: Ipv4Net, primary: bool) -> Result<Ranges, String> {
    let written = |text: Option<&String>| -> Result<Option<Ipv4Net>, String> {
        match text.filter(|_| primary) {
            Some(text) => values::cidr(text).map(Some),
            None => Ok(None),
        }
    };
    let quarter = nth_subnet(space, 2, 0)?;
    let half = nth_subnet(space, 1, 1)?;
    let endpoints = written(profile.network.subnets.endpoints.as_ref())?.unwrap_or(quarter);
    let compute = match profile.network.mode {
        NetworkMode::Customer => {
            Some(written(profile.network.subnets.compute.as_ref())?.unwrap_or(half))
        }
        NetworkMode::Managed => None,
    };
    Ok(Ranges {
        space,
        endpoints,
        compute,
    })
}

fn nth_subnet(space: Ipv4Net, extra_bits: u8, index: usize) -> Result<Ipv4Net, String> {
    space
        .subnets(space.prefix_len() + extra_bits)
        .ok()
        .and_then(|mut subnets| subnets.nth(index))
        .ok_or_else(|| format!("`{space}` is too small to split into subnets"))
}
