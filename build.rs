//! Converts the fact files in `data/` from YAML (commented and sourced, for reviewers) to JSON
//! at build time, so a run reads JSON instead of scanning YAML.

use std::path::Path;

use saphyr::{LoadableYamlNode, Yaml};
use serde_json::{Map, Value};

#[path = "src/profile/scalar.rs"]
mod scalar;

fn main() {
    println!("cargo::rerun-if-changed=data");
    println!("cargo::rerun-if-changed=src/profile/scalar.rs");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("data");
    std::fs::create_dir_all(&out).expect("OUT_DIR is writable");
    let mut files: Vec<_> = std::fs::read_dir("data")
        .expect("data/ exists")
        .map(|entry| entry.expect("data/ is readable").path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("fact files are UTF-8");
        let docs = Yaml::load_from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()));
        let [doc] = docs.as_slice() else {
            panic!("{} must hold exactly one YAML document", path.display());
        };
        let json = to_json(doc).unwrap_or_else(|| panic!("{} has no JSON form", path.display()));
        let name = path.with_extension("json");
        let name = name.file_name().expect("a file name");
        std::fs::write(out.join(name), json.to_string()).expect("OUT_DIR is writable");
    }
}

fn to_json(yaml: &Yaml<'_>) -> Option<Value> {
    Some(match yaml {
        Yaml::Value(scalar) => scalar::to_json(scalar)?,
        Yaml::Sequence(items) => Value::Array(items.iter().map(to_json).collect::<Option<_>>()?),
        Yaml::Mapping(entries) => {
            let mut map = Map::new();
            for (key, value) in entries {
                let Yaml::Value(key) = key else {
                    return None;
                };
                map.insert(scalar::key(key)?, to_json(value)?);
            }
            Value::Object(map)
        }
        Yaml::Representation(text, ..) => Value::String(text.to_string()),
        Yaml::Tagged(..) | Yaml::Alias(_) | Yaml::BadValue => return None,
    })
}
