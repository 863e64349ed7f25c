use std::path::{Path, PathBuf};

use crate::error::{Place, PolicyError, from_yaml};
use crate::options::PolicyOptions;

/// One configuration file, parsed, in its place in the inheritance chain.
#[derive(Debug)]
pub struct Layer {
    /// The file, as shown in messages.
    pub file: String,
    /// Its folder: relative paths inside it (`extends`, `rule_dirs`) resolve from here.
    pub dir: PathBuf,
    pub(crate) options: PolicyOptions,
}

/// Reads `path` and every file it extends, and returns them parents first (org → team →
/// repo): the order [`crate::resolve`] merges them in.
pub fn load(path: &Path) -> Result<Vec<Layer>, PolicyError> {
    let mut layers = Vec::new();
    let mut stack = Vec::new();
    load_into(path, None, &mut stack, &mut layers)?;
    Ok(layers)
}

fn load_into(
    path: &Path,
    referenced_at: Option<Place>,
    stack: &mut Vec<PathBuf>,
    layers: &mut Vec<Layer>,
) -> Result<(), PolicyError> {
    let display = path.display().to_string();
    let canonical = fs_err::canonicalize(path).map_err(|source| match &referenced_at {
        Some(at) => PolicyError::Invalid {
            at: at.clone(),
            message: format!("cannot read extended file `{display}`: {}", source.kind()),
            help: "paths in `extends` are relative to the file that names them".to_owned(),
        },
        None => PolicyError::Read {
            path: path.to_path_buf(),
            source,
        },
    })?;
    if let Some(start) = stack.iter().position(|seen| *seen == canonical) {
        let mut chain: Vec<String> = stack[start..]
            .iter()
            .map(|path| path.display().to_string())
            .collect();
        chain.push(canonical.display().to_string());
        return Err(PolicyError::Cycle {
            at: referenced_at.unwrap_or_else(|| Place::file(&display)),
            chain,
        });
    }
    if layers
        .iter()
        .any(|layer: &Layer| fs_err::canonicalize(&layer.file).ok().as_ref() == Some(&canonical))
    {
        // Reached twice through different parents: its settings apply once, first time.
        return Ok(());
    }
    let text = fs_err::read_to_string(path).map_err(|source| PolicyError::Read {
        path: path.to_path_buf(),
        source,
    })?;
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
    let dir = path.parent().map_or_else(PathBuf::new, Path::to_path_buf);
    stack.push(canonical);
    for parent in options.extends.iter().flatten() {
        let at = Place::at(&display, &parent.referenced);
        if parent.value.starts_with("http://") || parent.value.starts_with("https://") {
            return Err(PolicyError::Invalid {
                at,
                message: format!("`{}`: extending from a URL is not supported yet", parent.value),
                help: "download the file into the repository (or a shared checkout) and extend its path".to_owned(),
            });
        }
        load_into(&dir.join(&parent.value), Some(at), stack, layers)?;
    }
    stack.pop();
    layers.push(Layer {
        file: display,
        dir,
        options,
    });
    Ok(())
}
