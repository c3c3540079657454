//! OpenTelemetry for the `ax` process. When `--otlp URL`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or
//! `OTEL_EXPORTER_OTLP_ENDPOINT` is set, the library's `tracing` spans (`ax.index`, `ax.commit`,
//! `ax.query`, `ax.plugin.hook`) and `ax serve`'s request spans are exported over OTLP
//! (HTTP/protobuf) by the SDK's batch thread, and flushed when the process ends. When none is set,
//! nothing is installed: no subscriber, no exporter, no thread, so the CLI starts as fast as
//! without tracing. Input is the flag and the environment; output is a guard that flushes on drop.

use opentelemetry::KeyValue;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::layer::SubscriberExt;

/// The variables that turn exporting on (the standard OTLP exporter ones).
const ENDPOINT_VARIABLES: [&str; 2] = [
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
];
/// The protocol variables; only `http/protobuf` (the default) is built in.
const PROTOCOL_VARIABLES: [&str; 2] = [
    "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
    "OTEL_EXPORTER_OTLP_PROTOCOL",
];

/// Exporting spans until dropped; dropping flushes what is buffered.
pub struct Telemetry {
    provider: SdkTracerProvider,
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Err(error) = self.provider.shutdown() {
            eprintln!("warning: could not export the last traces: {error}");
        }
    }
}

/// Where spans go, if anywhere: `--otlp` (a base URL, `/v1/traces` appended) wins over the
/// environment, which the exporter reads itself. `OTEL_SDK_DISABLED=true` turns exporting off.
fn wanted(flag: Option<&str>) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|value| !value.is_empty());
    let disabled = std::env::var("OTEL_SDK_DISABLED")
        .is_ok_and(|value| value.trim().eq_ignore_ascii_case("true"));
    !disabled && (flag.is_some() || ENDPOINT_VARIABLES.iter().any(|name| set(name)))
}

/// Installs the exporter when one is configured; `Ok(None)` (and no work at all) otherwise.
/// A configuration the exporter refuses is an error naming the variable or flag.
pub fn init(flag: Option<&str>) -> Result<Option<Telemetry>, String> {
    if !wanted(flag) {
        return Ok(None);
    }
    for name in PROTOCOL_VARIABLES {
        if let Ok(protocol) = std::env::var(name)
            && !protocol.is_empty()
            && protocol != "http/protobuf"
        {
            return Err(format!(
                "{name}={protocol}: ax exports OTLP over http/protobuf only (the collector's port 4318)"
            ));
        }
    }
    // reqwest is built with `rustls-no-provider` (shared with docgen): without a process-wide
    // provider, building the exporter's client panics. Already installed is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut exporter = opentelemetry_otlp::SpanExporter::builder().with_http();
    if let Some(base) = flag {
        exporter = exporter.with_endpoint(format!("{}/v1/traces", base.trim_end_matches('/')));
    }
    let exporter = exporter.build().map_err(|error| match flag {
        Some(base) => format!("--otlp {base}: {error}"),
        None => format!("cannot export traces: {error}"),
    })?;
    let mut resource = Resource::builder();
    if std::env::var_os("OTEL_SERVICE_NAME").is_none() {
        resource = resource.with_service_name("ax");
    }
    let resource = resource
        .with_attribute(KeyValue::new("service.version", ax::VERSION))
        .build();
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build();
    let layer = tracing_opentelemetry::layer().with_tracer(provider.tracer("ax"));
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
        .map_err(|error| format!("cannot install the trace exporter: {error}"))?;
    Ok(Some(Telemetry { provider }))
}
