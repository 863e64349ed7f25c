use std::path::{Path, PathBuf};

use crate::RemoteOptions;
use crate::error::{Place, PolicyError, from_yaml};
use crate::options::PolicyOptions;

/// The largest configuration file read, local or fetched: real ones are a few kilobytes, and
/// a bound keeps a hostile `extends: [/dev/zero]` or a huge file from exhausting memory.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// One configuration file, parsed, in its place in the inheritance chain.
#[derive(Debug)]
pub struct Layer {
    /// The file, as shown in messages.
    pub file: String,
    /// Its folder: relative paths inside it (`extends`, `rule_dirs`) resolve from here.
    pub dir: PathBuf,
    /// The canonical path or URL, to notice a file reached twice.
    identity: String,
    /// SHA-256 of the file's text (hex): the policy digest is made of these.
    pub sha256: String,
    pub(crate) options: PolicyOptions,
}

/// Reads `path` and every file it extends, and returns them parents first (org → team →
/// repo): the order [`crate::resolve`] merges them in. URLs in `extends` are fetched
/// without a cache; see [`load_with`].
pub fn load(path: &Path) -> Result<Vec<Layer>, PolicyError> {
    load_with(path, &RemoteOptions::default())
}

/// Like [`load`], fetching URL parents as `remote` says (cache, offline, timeout).
pub fn load_with(path: &Path, remote: &RemoteOptions) -> Result<Vec<Layer>, PolicyError> {
    let mut layers = Vec::new();
    let mut stack = Vec::new();
    load_into(
        &Source::File(path.to_path_buf()),
        None,
        remote,
        &mut stack,
        &mut layers,
    )?;
    Ok(layers)
}

/// Where a layer comes from.
enum Source {
    File(PathBuf),
    Url(String),
}

fn load_into(
    source: &Source,
    referenced_at: Option<Place>,
    remote: &RemoteOptions,
    stack: &mut Vec<String>,
    layers: &mut Vec<Layer>,
) -> Result<(), PolicyError> {
    let (display, identity, text, dir) = match source {
        Source::File(path) => {
            let display = path.display().to_string();
            let canonical = fs_err::canonicalize(path).map_err(|source| match &referenced_at {
                Some(at) => PolicyError::Invalid {
                    at: at.clone(),
                    message: format!("cannot read extended file `{display}`: {}", source.kind()),
                    help: "paths in `extends` are relative to the file that names them".to_owned(),
                },
                None => PolicyError::Read {
                    path: path.clone(),
                    source,
                },
            })?;
            let text = agate_fs::read_to_string_bounded(path, MAX_CONFIG_BYTES).map_err(
                |error| match &referenced_at {
                    Some(at) => PolicyError::Invalid {
                        at: at.clone(),
                        message: format!("cannot use `{display}` in `extends`: {error}"),
                        help: "`extends` names configuration files (regular files of at most 1 MiB) or https URLs".to_owned(),
                    },
                    None => PolicyError::File(error),
                },
            )?;
            let dir = path.parent().map_or_else(PathBuf::new, Path::to_path_buf);
            (display, canonical.display().to_string(), text, Some(dir))
        }
        Source::Url(url) => {
            // Credentials in the URL are for the fetch only; people see them masked.
            let shown = crate::remote::display(url);
            let at = referenced_at.clone().unwrap_or_else(|| Place::file(&shown));
            let text =
                crate::remote::fetch(url, remote).map_err(|message| PolicyError::Invalid {
                    at,
                    message,
                    help: "check the URL and the network, or pass --offline to use `.agate/cache`"
                        .to_owned(),
                })?;
            (shown.clone(), shown, text, None)
        }
    };
    if let Some(start) = stack.iter().position(|seen| *seen == identity) {
        let mut chain: Vec<String> = stack[start..].to_vec();
        chain.push(identity);
        return Err(PolicyError::Cycle {
            at: referenced_at.unwrap_or_else(|| Place::file(&display)),
            chain,
        });
    }
    if layers.iter().any(|layer| layer.identity == identity) {
        // Reached twice through different parents: its settings apply once, first time.
        return Ok(());
    }
    let options: PolicyOptions = if text.trim().is_empty() {
        PolicyOptions::default()
    } else {
        serde_saphyr::from_str(&text).map_err(|error| from_yaml(&display, &text, &error))?
    };
    if let Some(version) = &options.version
        && version.value != 1
    {
        return Err(PolicyError::Invalid {
            at: Place::at(&display, &version.referenced),
            message: format!("unsupported `version: {}`", version.value),
            help: "this agate reads `version: 1`".to_owned(),
        });
    }
    if dir.is_none() && names_local_files(&options) {
        return Err(PolicyError::Invalid {
            at: Place::file(&display),
            message: "a policy fetched from a URL cannot name local files (`rule_dirs`, `compliance.packs`, gate `policy`)".to_owned(),
            help: "keep rule folders and Rego files in the repository's own agate.yaml".to_owned(),
        });
    }
    stack.push(identity.clone());
    for parent in options.extends.iter().flatten() {
        let at = Place::at(&display, &parent.referenced);
        let next = if crate::remote::is_url(&parent.value) {
            Source::Url(parent.value.clone())
        } else if let Some(dir) = &dir {
            Source::File(dir.join(&parent.value))
        } else {
            return Err(PolicyError::Invalid {
                at,
                message: format!(
                    "`{}`: a policy fetched from a URL can only extend URLs",
                    parent.value
                ),
                help: "write the parent's full https URL".to_owned(),
            });
        };
        load_into(&next, Some(at), remote, stack, layers)?;
    }
    stack.pop();
    layers.push(Layer {
        file: display,
        identity,
        sha256: agate_model::sha256_hex(text.as_bytes()),
        dir: dir.unwrap_or_default(),
        options,
    });
    Ok(())
}

/// Whether a layer names files of its own folder (which a fetched one has not).
fn names_local_files(options: &PolicyOptions) -> bool {
    options.rule_dirs.is_some()
        || options
            .compliance
            .as_ref()
            .is_some_and(|compliance| compliance.packs.is_some())
        || options.gates.iter().flatten().any(
            |(_, gate)| matches!(&gate.value, crate::options::Switch::On(g) if g.policy.is_some()),
        )
}
