pub(crate) mod rules;
pub(crate) mod scan;
