//! The golden profiles shipped in `profiles/`, embedded for `mlzone init --from NAME`.

/// Name and text of every golden profile.
pub const PROFILES: [(&str, &str); 5] = [
    ("baseline", include_str!("../profiles/baseline.yaml")),
    (
        "customer-vnet",
        include_str!("../profiles/customer-vnet.yaml"),
    ),
    ("exploratory", include_str!("../profiles/exploratory.yaml")),
    (
        "gpu-training",
        include_str!("../profiles/gpu-training.yaml"),
    ),
    ("regulated", include_str!("../profiles/regulated.yaml")),
];

/// The names, for `--from`.
pub fn names() -> [&'static str; 5] {
    PROFILES.map(|(name, _)| name)
}

/// The text of golden profile `name`.
pub fn text(name: &str) -> Option<&'static str> {
    PROFILES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}
