pub(crate) mod baseline;
pub(crate) mod config;
pub(crate) mod deps;
pub(crate) mod init;
pub(crate) mod provenance;
pub(crate) mod rules;
pub(crate) mod scan;
pub(crate) mod secrets;
