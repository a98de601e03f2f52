//! The grammar of profile values that JSON Schema cannot express well: durations, GUIDs,
//! address ranges, domain names, service tags, resource IDs, ports, cron expressions and
//! dates. Validation reports on them; the plan reads them, so both agree on what a value means.

use std::net::{IpAddr, Ipv4Addr};

use ipnet::{IpNet, Ipv4Net};
use jiff::civil::Date;

/// A duration, in seconds, with its canonical ISO-8601 form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration {
    /// Whole seconds.
    pub seconds: u64,
}

impl Duration {
    /// From seconds.
    pub const fn from_secs(seconds: u64) -> Duration {
        Duration { seconds }
    }

    /// From minutes.
    pub const fn from_mins(minutes: u64) -> Duration {
        Duration::from_secs(minutes * 60)
    }

    /// From days.
    pub const fn from_days(days: u64) -> Duration {
        Duration::from_secs(days * 86_400)
    }

    /// Canonical ISO-8601 form, largest units first: `PT30M`, `P1DT2H`, `P90D`.
    pub fn iso(self) -> String {
        let (days, rest) = (self.seconds / 86_400, self.seconds % 86_400);
        let (hours, rest) = (rest / 3600, rest % 3600);
        let (minutes, seconds) = (rest / 60, rest % 60);
        let mut out = String::from("P");
        if days > 0 {
            out += &format!("{days}D");
        }
        if rest > 0 || hours > 0 || self.seconds == 0 {
            out.push('T');
            if hours > 0 {
                out += &format!("{hours}H");
            }
            if minutes > 0 {
                out += &format!("{minutes}M");
            }
            if seconds > 0 || self.seconds == 0 {
                out += &format!("{seconds}S");
            }
        }
        out
    }
}

/// Parse an ISO-8601 duration of days, hours, minutes and seconds (`PT30M`, `P3D`).
pub fn duration(text: &str) -> Result<Duration, String> {
    // ISO 8601 only: jiff's default parser also takes its friendly format (`30m`).
    let span = jiff::fmt::temporal::SpanParser::new()
        .parse_span(text)
        .map_err(|_| format!("`{text}` is not an ISO-8601 duration such as `PT30M` or `P1D`"))?;
    if span.is_negative() {
        return Err(format!("`{text}` is negative"));
    }
    if span.get_years() != 0 || span.get_months() != 0 || span.get_weeks() != 0 {
        return Err(format!(
            "`{text}` uses years, months or weeks; write it in days, hours and minutes"
        ));
    }
    if span.get_milliseconds() != 0 || span.get_microseconds() != 0 || span.get_nanoseconds() != 0 {
        return Err(format!("`{text}` has fractions of a second"));
    }
    let part = |v: i64, unit: u64| u64::try_from(v).unwrap_or(0).saturating_mul(unit);
    Ok(Duration::from_secs(
        part(span.get_days().into(), 86_400)
            .saturating_add(part(span.get_hours().into(), 3600))
            .saturating_add(part(span.get_minutes(), 60))
            .saturating_add(part(span.get_seconds(), 1)),
    ))
}

/// Whether `text` is a GUID in its usual 8-4-4-4-12 form.
pub fn is_guid(text: &str) -> bool {
    text.len() == 36 && uuid::Uuid::try_parse(text).is_ok()
}

/// Parse an IPv4 CIDR block whose address is the network address.
pub fn cidr(text: &str) -> Result<Ipv4Net, String> {
    let net: Ipv4Net = text
        .parse()
        .map_err(|_| format!("`{text}` is not an IPv4 address range such as `10.40.0.0/22`"))?;
    if net.addr() != net.network() {
        return Err(format!(
            "`{text}` has host bits set; the range starts at `{}`",
            net.trunc()
        ));
    }
    Ok(net)
}

/// Whether `net` lies in a private (RFC 1918) or shared (RFC 6598) range.
pub fn is_private(net: Ipv4Net) -> bool {
    let shared = Ipv4Net::new(Ipv4Addr::new(100, 64, 0, 0), 10).ok();
    net.addr().is_private() || shared.is_some_and(|s| s.contains(&net))
}

/// Parse a private IPv4 address of a virtual network (a hub firewall, a DNS resolver).
pub fn private_ip(text: &str) -> Result<Ipv4Addr, String> {
    let ip: Ipv4Addr = text
        .parse()
        .map_err(|_| format!("`{text}` is not an IPv4 address such as `10.0.0.4`"))?;
    match Ipv4Net::new(ip, 32) {
        Ok(net) if is_private(net) => Ok(ip),
        _ => Err(format!(
            "`{ip}` is not a private address: a virtual network's hosts have private ones"
        )),
    }
}

/// The documentation range `ip` lies in, if any (RFC 5737: TEST-NET-1, -2 and -3): a
/// placeholder, as no network uses them.
pub fn documentation_range(ip: Ipv4Addr) -> Option<&'static str> {
    const RANGES: [&str; 3] = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"];
    RANGES.into_iter().find(|range| {
        range
            .parse::<Ipv4Net>()
            .is_ok_and(|net: Ipv4Net| net.contains(&ip))
    })
}

/// The address ranges no internet host is in (RFC 6890's special-purpose registries): this
/// network, private (RFC 1918), shared (RFC 6598), loopback, link-local, IETF protocol
/// assignments, documentation (RFC 5737, RFC 3849), benchmarking, multicast and reserved; for
/// IPv6 the unspecified and loopback addresses, unique local, link-local and multicast.
const NON_PUBLIC: [&str; 20] = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "::/128",
    "::1/128",
    "fc00::/7",
    "fe80::/10",
    "ff00::/8",
    "2001:db8::/32",
];

/// An NSG rule's destination (an address, a range, a service tag or `*`) as an IP range, if it
/// is one: `*` and the `Internet` tag stand for every address.
fn destination_range(destination: &str) -> Option<IpNet> {
    if destination == "*" || destination.eq_ignore_ascii_case("Internet") {
        return "0.0.0.0/0".parse().ok();
    }
    destination
        .parse()
        .ok()
        .or_else(|| destination.parse::<IpAddr>().ok().map(IpNet::from))
}

/// Whether an NSG rule's destination takes in any internet address: `*`, `Internet`, or a
/// range not wholly inside a non-public one. Other service tags name Azure services, and an
/// expression is not judged.
pub fn reaches_internet(destination: &str) -> bool {
    destination_range(destination).is_some_and(|range| {
        !NON_PUBLIC
            .iter()
            .filter_map(|r| r.parse::<IpNet>().ok())
            .any(|r| r.contains(&range))
    })
}

/// Whether an NSG rule's destination takes in the whole internet: `*`, `Internet`, or a range
/// of every address (`0.0.0.0/0`).
pub fn covers_internet(destination: &str) -> bool {
    destination_range(destination).is_some_and(|range| range.prefix_len() == 0)
}

/// The block of the same size right after `net`, if the address space has one.
pub fn next_block(net: Ipv4Net) -> Option<Ipv4Net> {
    let next = u32::from(net.broadcast()).checked_add(1)?;
    Ipv4Net::new(Ipv4Addr::from(next), net.prefix_len()).ok()
}

/// Whether `text` is a domain name, optionally with a leading `*.` wildcard.
pub fn is_fqdn(text: &str) -> bool {
    let name = text.strip_prefix("*.").unwrap_or(text);
    let labels: Vec<&str> = name.split('.').collect();
    name.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|label| {
            (1..=63).contains(&label.len())
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().any(|c| c.is_ascii_alphabetic()))
}

/// Whether `text` is an Azure service tag name: `Storage`, `Storage.WestEurope`.
pub fn is_service_tag(text: &str) -> bool {
    let mut parts = text.split('.');
    let Some(name) = parts.next() else {
        return false;
    };
    let word =
        |s: &str| !s.is_empty() && s.len() <= 80 && s.chars().all(|c| c.is_ascii_alphanumeric());
    word(name)
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && parts.clone().count() <= 1
        && parts.all(word)
}

/// Check an Azure resource ID:
/// `/subscriptions/{guid}/resourceGroups/{group}/providers/{Namespace}/{type}/{name}[/{type}/{name}...]`,
/// optionally requiring the provider type (e.g. `Microsoft.Network/privateDnsZones`).
pub fn resource_id(text: &str, expected_type: Option<&str>) -> Result<(), String> {
    let form = "`/subscriptions/<guid>/resourceGroups/<group>/providers/<Namespace>/<type>/<name>`";
    let bad = || format!("`{text}` is not an Azure resource ID of the form {form}");
    let segments: Vec<&str> = text.split('/').collect();
    let ok_segment = |s: &str| {
        !s.is_empty()
            && s.len() <= 260
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '(' | ')'))
    };
    if segments.len() < 9 || segments.len().is_multiple_of(2) || !segments[0].is_empty() {
        return Err(bad());
    }
    let keyword = |i: usize, word: &str| segments[i].eq_ignore_ascii_case(word);
    if !keyword(1, "subscriptions")
        || !is_guid(segments[2])
        || !keyword(3, "resourceGroups")
        || !keyword(5, "providers")
        || !segments[6].contains('.')
        || !segments[1..].iter().all(|s| ok_segment(s))
    {
        return Err(bad());
    }
    if let Some(expected) = expected_type {
        let actual = format!("{}/{}", segments[6], segments[7]);
        if !actual.eq_ignore_ascii_case(expected) || segments.len() != 9 {
            return Err(format!("`{text}` is not a `{expected}` resource ID"));
        }
    }
    Ok(())
}

/// The last segment (resource name) of a resource ID.
pub fn resource_name(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}

/// Check a port list: `443`, `80,443`, `8000-8080`, or `*`.
pub fn ports(text: &str) -> Result<(), String> {
    if text == "*" {
        return Ok(());
    }
    let port = |s: &str| s.parse::<u16>().ok().filter(|p| *p > 0);
    for item in text.split(',') {
        let ok = match item.trim().split_once('-') {
            Some((a, b)) => matches!((port(a), port(b)), (Some(a), Some(b)) if a <= b),
            None => port(item.trim()).is_some(),
        };
        if !ok {
            return Err(format!(
                "`{text}` is not a port list such as `443`, `80,443` or `8000-8080`"
            ));
        }
    }
    Ok(())
}

/// Check a five-field cron expression (minute hour day-of-month month day-of-week).
pub fn cron(text: &str) -> Result<(), String> {
    const FIELDS: [(&str, u32, u32); 5] = [
        ("minute", 0, 59),
        ("hour", 0, 23),
        ("day of month", 1, 31),
        ("month", 1, 12),
        ("day of week", 0, 7),
    ];
    let fields: Vec<&str> = text.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "`{text}` has {} fields; a cron expression has five: minute hour day month weekday",
            fields.len()
        ));
    }
    for (field, (name, min, max)) in fields.iter().zip(FIELDS) {
        let in_range = |s: &str| s.parse::<u32>().is_ok_and(|v| (min..=max).contains(&v));
        let ok = field.split(',').all(|item| {
            let (range, step) = match item.split_once('/') {
                Some((range, step)) => (range, Some(step)),
                None => (item, None),
            };
            let range_ok = range == "*"
                || match range.split_once('-') {
                    Some((a, b)) => in_range(a) && in_range(b),
                    None => in_range(range),
                };
            range_ok && step.is_none_or(|s| s.parse::<u32>().is_ok_and(|s| s > 0))
        });
        if !ok {
            return Err(format!(
                "`{field}` is not a valid {name} field ({min}-{max}, `*`, lists, ranges, steps)"
            ));
        }
    }
    Ok(())
}

/// Parse a `YYYY-MM-DD` date.
pub fn date(text: &str) -> Result<Date, String> {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    match text.parse::<Date>() {
        Ok(date) if shaped => Ok(date),
        _ if shaped => Err(format!("`{text}` is not a date in the calendar")),
        _ => Err(format!("`{text}` is not a date of the form `YYYY-MM-DD`")),
    }
}

/// Whether `text` looks like an e-mail address: one `@`, a local part, a domain name.
pub fn is_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && local.len() <= 64
                && local
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c))
                && is_fqdn(domain)
                && !domain.starts_with('*')
        }
        None => false,
    }
}

/// Whether `text` holds the all-zero GUID anywhere (as a subscription in a resource ID, or
/// as an object ID): a placeholder, since Azure never issues it.
pub fn has_nil_guid(text: &str) -> bool {
    text.to_ascii_lowercase()
        .contains("00000000-0000-0000-0000-000000000000")
}

/// The host of a URL (`https://host:port/path` → `host`), or `text` itself when it has no
/// scheme.
pub fn url_host(text: &str) -> &str {
    let rest = text.split_once("://").map_or(text, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    host.split(':').next().unwrap_or(host)
}

/// The reserved documentation or test domain `host` lies in, if any: `example.com`,
/// `example.net`, `example.org` and the top-level `example`, `invalid`, `localhost`, `test`
/// (RFC 2606 section 2 and 3; RFC 6761 section 6). Hosts there never resolve in Azure.
pub fn reserved_domain(host: &str) -> Option<&'static str> {
    const RESERVED: [&str; 7] = [
        "example.com",
        "example.net",
        "example.org",
        "example",
        "invalid",
        "localhost",
        "test",
    ];
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    RESERVED.into_iter().find(|domain| {
        host == *domain
            || host
                .strip_suffix(domain)
                .is_some_and(|rest| rest.ends_with('.'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nsg_destinations_reach_the_internet_unless_wholly_non_public() {
        for public in [
            "*",
            "Internet",
            "internet",
            "0.0.0.0/0",
            "8.8.8.8",
            "20.0.0.0/8",
            "10.0.0.0/7",
            "::/0",
            "2603:1000::/24",
        ] {
            assert!(reaches_internet(public), "{public}");
        }
        for not in [
            "10.1.2.3",
            "10.0.0.0/8",
            "172.16.4.0/24",
            "192.168.0.0/16",
            "100.64.0.0/10",
            "fd00::/8",
            "AzureMachineLearning",
            "Storage.WestEurope",
            "VirtualNetwork",
            "var.hub_firewall_ip",
            "",
        ] {
            assert!(!reaches_internet(not), "{not}");
        }
        assert!(
            covers_internet("0.0.0.0/0") && covers_internet("Internet") && covers_internet("*")
        );
        assert!(!covers_internet("8.8.8.0/24") && !covers_internet("AzureCloud"));
    }

    #[test]
    fn placeholders_are_recognised() {
        assert!(has_nil_guid(
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
        ));
        assert!(!has_nil_guid(
            "/subscriptions/0b6f7f3e-5d7c-4a63-9a51-3c2d8f1e4b20"
        ));
        assert_eq!(
            url_host("https://pkgs.example.com:8443/pypi/simple"),
            "pkgs.example.com"
        );
        assert_eq!(url_host("pypi.org"), "pypi.org");
        assert_eq!(reserved_domain("pkgs.example.com"), Some("example.com"));
        assert_eq!(reserved_domain("EXAMPLE.ORG."), Some("example.org"));
        assert_eq!(reserved_domain("mirror.test"), Some("test"));
        assert_eq!(reserved_domain("counterexample.com"), None);
        assert_eq!(reserved_domain("contest"), None);
        assert_eq!(reserved_domain("pypi.org"), None);
    }

    #[test]
    fn durations_parse_and_print_canonically() {
        assert_eq!(duration("PT30M").unwrap(), Duration::from_mins(30));
        assert_eq!(duration("P3D").unwrap(), Duration::from_days(3));
        assert_eq!(duration("PT90M").unwrap().iso(), "PT1H30M");
        assert_eq!(Duration::from_days(90).iso(), "P90D");
        assert_eq!(Duration::from_secs(0).iso(), "PT0S");
        for bad in ["30m", "P1Y", "P1W", "-PT5M", "PT0.5S", ""] {
            assert!(duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cidrs_need_network_addresses() {
        assert!(cidr("10.40.0.0/22").is_ok());
        assert!(cidr("10.40.0.5/22").unwrap_err().contains("10.40.0.0/22"));
        assert!(cidr("10.40.0.0").is_err());
        assert!(cidr("300.0.0.0/8").is_err());
        assert_eq!(
            next_block(cidr("10.40.0.0/22").unwrap())
                .unwrap()
                .to_string(),
            "10.40.4.0/22"
        );
        assert_eq!(next_block(cidr("255.255.255.0/24").unwrap()), None);
        assert!(is_private(cidr("192.168.0.0/24").unwrap()));
        assert!(!is_private(cidr("8.8.8.0/24").unwrap()));
    }

    #[test]
    fn domain_names_follow_dns_rules() {
        for good in ["pypi.org", "*.pythonhosted.org", "a-b.example.co.uk"] {
            assert!(is_fqdn(good), "{good}");
        }
        for bad in [
            "pypi",
            "-a.org",
            "a..org",
            "a.org/path",
            "a b.org",
            "1.2.3.4",
            "x\".org",
        ] {
            assert!(!is_fqdn(bad), "{bad}");
        }
    }

    #[test]
    fn resource_ids_follow_arm_grammar() {
        let zone = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-hub/providers/Microsoft.Network/privateDnsZones/privatelink.api.azureml.ms";
        assert!(resource_id(zone, Some("Microsoft.Network/privateDnsZones")).is_ok());
        assert!(resource_id(zone, Some("Microsoft.KeyVault/vaults")).is_err());
        assert!(resource_id("/subscriptions/x/resourceGroups/a", None).is_err());
        assert!(resource_id(&format!("{zone}\"; evil"), None).is_err());
        assert_eq!(resource_name(zone), "privatelink.api.azureml.ms");
    }

    #[test]
    fn small_grammars() {
        assert!(is_service_tag("AzureActiveDirectory"));
        assert!(is_service_tag("Storage.WestEurope"));
        assert!(!is_service_tag("Storage WestEurope"));
        assert!(ports("443").is_ok() && ports("80,443").is_ok() && ports("8000-8080").is_ok());
        assert!(ports("0").is_err() && ports("9-1").is_err() && ports("x").is_err());
        assert!(cron("0 8 * * 1-5").is_ok() && cron("*/15 * * * *").is_ok());
        assert!(cron("0 25 * * *").is_err() && cron("0 8 * *").is_err());
        assert!(is_guid("8a3c1f2e-1d4b-4c5a-9e6f-7a8b9c0d1e2f"));
        assert!(!is_guid("8a3c1f2e1d4b4c5a9e6f7a8b9c0d1e2f"));
        assert!(date("2027-03-31").is_ok() && date("2027-02-30").is_err());
        assert!(is_email("ml-team@example.com") && !is_email("ml-team"));
    }
}
