//! `agate`: validation gates for AI-written code.
//!
//! The binary is thin: it parses arguments, calls the libraries and renders. Exit codes live
//! in [`exit::ExitStatus`].

mod args;
mod ci;
mod commands;
mod exit;
mod output;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command, ConfigCommand, DbCommand, ProvenanceCommand, RulesCommand};
use crate::commands::scan::Purpose;
use crate::exit::ExitStatus;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => commands::scan::run(&args, Purpose::Scan, None),
        Command::Gate(args) => commands::scan::run(
            &args.scan,
            Purpose::Gate(args.env.as_deref()),
            args.block_at,
        ),
        Command::Baseline { command } => commands::baseline::run(&command),
        Command::Config { command } => match command {
            ConfigCommand::Explain {
                key,
                config,
                offline,
            } => commands::config::explain(key.as_deref(), config.as_deref(), offline),
        },
        Command::Provenance { command } => match command {
            ProvenanceCommand::Show { paths, format } => commands::provenance::show(&paths, format),
            ProvenanceCommand::Record(args) => commands::provenance::record(&args),
            ProvenanceCommand::Stats { paths, format } => {
                commands::provenance::stats(&paths, format)
            }
        },
        Command::Init { force } => commands::init::run(force),
        Command::Db { command } => match command {
            DbCommand::Import { path } => commands::deps::import(&path),
            DbCommand::Update => commands::deps::update(),
        },
        Command::Rules { command } => match command {
            RulesCommand::List(args) => commands::rules::list(&args),
            RulesCommand::Show { id } => commands::rules::show(&id),
            RulesCommand::Test { dirs } => commands::rules::test(&dirs),
        },
    };
    match result {
        Ok(status) => status.into(),
        Err(error) => {
            if output::is_broken_pipe(&error) {
                return ExitStatus::Pass.into();
            }
            let status = error
                .downcast_ref::<exit::Failure>()
                .map_or(ExitStatus::Internal, |failure| failure.status);
            output::error(&format!("{error:#}"));
            status.into()
        }
    }
}
