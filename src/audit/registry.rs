//! The built-in checks, one line each. The checklist YAML refers to them by id.

use super::Check;
use super::checks;

/// Every built-in check.
pub static CHECKS: &[&dyn Check] = &[
    &checks::vcs_git::VcsGit,
    &checks::docs_readme::DocsReadme,
    &checks::docs_ci_badge::DocsCiBadge,
    &checks::api_spec::ApiSpec,
    &checks::api_versioned_routes::ApiVersionedRoutes,
    &checks::deps_lockfile::DepsLockfile,
    &checks::deps_update_automation::DepsUpdateAutomation,
    &checks::deps_supported_runtime::DepsSupportedRuntime,
    &checks::build_container::BuildContainer,
    &checks::build_container_non_root::BuildContainerNonRoot,
    &checks::deploy_automated::DeployAutomated,
    &checks::deploy_after_tests::DeployAfterTests,
    &checks::deploy_main_only::DeployMainOnly,
    &checks::env_separate_dev::EnvSeparateDev,
    &checks::tests_present::TestsPresent,
    &checks::tests_in_ci::TestsInCi,
    &checks::tests_on_pull_request::TestsOnPullRequest,
    &checks::tests_real_db::TestsRealDb,
    &checks::tests_local_db_guard::TestsLocalDbGuard,
    &checks::tests_coverage::TestsCoverage,
    &checks::tests_scenario_scheduled::TestsScenarioScheduled,
    &checks::quality_formatter::QualityFormatter,
    &checks::quality_linter::QualityLinter,
    &checks::db_config_from_env::DbConfigFromEnv,
    &checks::db_migrations::DbMigrations,
    &checks::db_migrations_safe::DbMigrationsSafe,
    &checks::db_timestamps::DbTimestamps,
    &checks::db_single_model_source::DbSingleModelSource,
    &checks::db_non_superuser::DbNonSuperuser,
    &checks::secrets_no_env_files::SecretsNoEnvFiles,
    &checks::secrets_no_hardcoded::SecretsNoHardcoded,
    &checks::secrets_env_example::SecretsEnvExample,
    &checks::secrets_scanning::SecretsScanning,
    &checks::cors_explicit_origins::CorsExplicitOrigins,
    &checks::ci_token_permissions::CiTokenPermissions,
    &checks::ci_no_dangerous_triggers::CiNoDangerousTriggers,
    &checks::ci_pinned_actions::CiPinnedActions,
    &checks::vcs_remote::VcsRemote,
    &checks::repo_branch_protection::RepoBranchProtection,
    &checks::repo_required_checks::RepoRequiredChecks,
    &checks::repo_secret_scanning::RepoSecretScanning,
    &checks::ops_health_endpoint::OpsHealthEndpoint,
    &checks::ops_readiness_checks_deps::OpsReadinessChecksDeps,
    &checks::ops_structured_logging::OpsStructuredLogging,
    &checks::ops_telemetry::OpsTelemetry,
    &checks::infra_as_code::InfraAsCode,
];

/// The built-in check with this id.
pub fn find(id: &str) -> Option<&'static dyn Check> {
    CHECKS.iter().copied().find(|c| c.id() == id)
}
