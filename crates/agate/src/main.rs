//! `agate`: validation gates for AI-written code.
//!
//! The binary is thin: it parses arguments, calls the libraries and renders. Exit codes live
//! in [`exit::ExitStatus`].

mod args;
mod ci;
mod commands;
mod exit;
mod output;
mod targets;

use std::process::ExitCode;

use clap::{CommandFactory as _, FromArgMatches as _};

use crate::args::{
    ApiCommand, AttestCommand, Cli, Command, ComplianceCommand, ConfigCommand, ContractCommand,
    DbCommand, GateArgs, LoadCommand, ProvenanceCommand, ReportCommand, RulesCommand,
};
use crate::exit::ExitStatus;
use agate_pipeline::Purpose;

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit());
    // The server stops on its own signals: it finishes the requests in flight.
    if !matches!(cli.command, Command::Server(_)) {
        on_interrupt_clean_up();
    }
    if let Err(message) = pair_outputs(&mut cli, &matches) {
        output::error(&message);
        return ExitStatus::Usage.into();
    }
    let result = match cli.command {
        Command::Scan(args) => commands::scan::run(&args, Purpose::Scan, None),
        Command::Gate(args) => commands::scan::gate(&args),
        Command::Fix(args) => commands::fix::run(&args),
        Command::Baseline { command } => commands::baseline::run(&command),
        Command::Compliance {
            command: ComplianceCommand::Report(args),
        } => commands::compliance::report(&args),
        Command::Triage { command, source } => commands::triage::run(command, &source),
        Command::Contract { command } => match command {
            ContractCommand::Test(args) => commands::contract::test(&args),
            ContractCommand::Init {
                function,
                output,
                runtime,
            } => commands::contract::init(&function, output.as_deref(), &runtime),
        },
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
            ProvenanceCommand::Verify {
                key,
                require_signed,
            } => commands::provenance::verify(&key, require_signed),
            ProvenanceCommand::Stats { paths, format } => {
                commands::provenance::stats(&paths, format)
            }
        },
        Command::Init { force, ci } => commands::init::run(force, ci),
        Command::Completions { shell } => commands::shell::completions(shell),
        Command::Man => commands::shell::man(),
        Command::Server(args) => commands::server::run(args.command.as_ref(), &args.serve),
        Command::Upload { report, server } => commands::server::upload(&report, &server),
        Command::Attest { command } => match command {
            AttestCommand::Keygen { out } => commands::attest::keygen(&out),
            AttestCommand::Sign(args) => commands::attest::sign(&args),
            AttestCommand::SignFile { file, key, output } => {
                commands::attest::sign_file(&file, key.as_deref(), output.as_deref())
            }
            AttestCommand::Verify(args) => commands::attest::verify(&args),
        },
        Command::Api {
            command: ApiCommand::Test(args),
        } => commands::api::test(&args),
        Command::Load { command } => match command {
            LoadCommand::Run(args) => commands::load::run(&args),
            LoadCommand::Check(args) => commands::load::check(&args),
        },
        Command::Report { command } => match command {
            ReportCommand::Convert { report, to, output } => {
                commands::report::convert(&report, to, output.as_deref())
            }
            ReportCommand::Merge(args) => commands::scan::merge(&args),
        },
        Command::Db { command } => match command {
            DbCommand::Import { path } => commands::db::import(&path),
            DbCommand::Update => commands::db::update(),
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

/// On SIGINT, SIGTERM or SIGHUP: kills the external checks still running (each runs in its
/// own process group, which a Ctrl-C at the terminal does not reach), removes their scratch
/// folders and the temporary files of reports being written, and exits 130. Without this,
/// an interrupted run would leave hidden `.agate-*.tmp` files beside its reports and
/// orphaned tools running.
fn on_interrupt_clean_up() {
    let installed = ctrlc::set_handler(|| {
        agate_external::interrupt();
        agate_contract::interrupt();
        agate_fs::remove_unfinished();
        output::note("agate: interrupted; stopped the running checks and removed temporary files");
        #[expect(
            clippy::exit,
            reason = "an interrupt ends the process, after the clean-up"
        )]
        std::process::exit(ExitStatus::Interrupted as i32);
    });
    if let Err(error) = installed {
        output::note(&format!(
            "warning: cannot handle interrupts ({error}): an interrupted run may leave temporary files"
        ));
    }
}

/// Fills `targets` of `agate scan`, `agate gate` and `agate report merge` from where each
/// `--format` and `--output` stood on the command line.
fn pair_outputs(cli: &mut Cli, matches: &clap::ArgMatches) -> Result<(), String> {
    let (out, sub) = match &mut cli.command {
        Command::Scan(args) => (&mut args.out, matches.subcommand_matches("scan")),
        Command::Gate(GateArgs { scan: args, .. }) => {
            (&mut args.out, matches.subcommand_matches("gate"))
        }
        Command::Contract {
            command: ContractCommand::Test(args),
        } => (
            &mut args.out,
            matches
                .subcommand_matches("contract")
                .and_then(|contract| contract.subcommand_matches("test")),
        ),
        Command::Report {
            command: ReportCommand::Merge(args),
        } => (
            &mut args.out,
            matches
                .subcommand_matches("report")
                .and_then(|report| report.subcommand_matches("merge")),
        ),
        Command::Api {
            command: ApiCommand::Test(args),
        } => (
            &mut args.out,
            matches
                .subcommand_matches("api")
                .and_then(|api| api.subcommand_matches("test")),
        ),
        _ => return Ok(()),
    };
    let Some(sub) = sub else {
        return Ok(());
    };
    let positions = |id: &str| -> Vec<usize> {
        sub.indices_of(id)
            .map(Iterator::collect)
            .unwrap_or_default()
    };
    let formats: Vec<_> = positions("format")
        .into_iter()
        .zip(out.format.iter().copied())
        .collect();
    let outputs: Vec<_> = positions("output")
        .into_iter()
        .zip(out.output.iter().cloned())
        .collect();
    out.targets = targets::targets(&formats, &outputs)?;
    Ok(())
}
