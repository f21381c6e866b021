/// `STATS` in Prometheus's text exposition format (version 0.0.4), what `GET /metrics` answers, so
/// that a Prometheus server scrapes searchd as it scrapes Meilisearch's or Solr's metrics: each figure
/// a metric named `fts_…` in base units (seconds, bytes), with its `# HELP` and `# TYPE`, and the
/// release, the index format and the index folder as the labels of `fts_info`.
enum MetricsEncoder {
    /// The content type of the text exposition format.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// A `STATS` key as a metric: its name, type and help, and the factor from the key's unit to
    /// the metric's.
    private struct Metric {
        var key: String
        var name: String
        var type: String
        var help: String
        var scale = 1.0
        var labels = ""
    }

    private static let metrics = [
        Metric(key: "documents", name: "fts_documents", type: "gauge", help: "Documents in the index served."),
        Metric(key: "terms", name: "fts_terms", type: "gauge", help: "Terms in the index served."),
        Metric(key: "postings", name: "fts_postings", type: "gauge", help: "Postings (a term in a document) in the index served."),
        Metric(key: "index_bytes", name: "fts_index_bytes", type: "gauge", help: "Size of the index served."),
        Metric(key: "uptime_s", name: "fts_uptime_seconds", type: "gauge", help: "Time since searchd started."),
        Metric(key: "connections", name: "fts_connections", type: "gauge", help: "Connections open, over both ports."),
        Metric(key: "queries", name: "fts_queries_total", type: "counter", help: "Searches and counts served."),
        Metric(key: "slow_queries", name: "fts_slow_queries_total", type: "counter",
               help: "Searches and counts logged as slow (--log-slow-queries)."),
        Metric(key: "replies_unread_bytes", name: "fts_replies_unread_bytes", type: "gauge",
               help: "Replies encoded and not yet written, over every connection (what --max-reply-memory bounds)."),
        Metric(key: "refused_busy", name: "fts_refused_busy_total", type: "counter", help: "Requests refused as busy."),
        Metric(key: "latency_p50_us", name: "fts_query_latency_seconds", type: "gauge",
               help: "Latency of the searches and counts served, by quantile.", scale: 1e-6, labels: "{quantile=\"0.5\"}"),
        Metric(key: "latency_p99_us", name: "fts_query_latency_seconds", type: "gauge",
               help: "Latency of the searches and counts served, by quantile.", scale: 1e-6, labels: "{quantile=\"0.99\"}"),
    ]

    /// The keys of `STATS` that name what is served: the labels of `fts_info`.
    private static let infoLabels = ["version", "format_version", "index"]

    static func encode(_ statistics: [(key: String, value: ReplyValue)]) -> [UInt8] {
        let values = Dictionary(statistics.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        var lines: [String] = []
        var described = Set<String>()
        for metric in metrics {
            guard case .number(let number) = values[metric.key] else { continue }
            if described.insert(metric.name).inserted {
                lines.append("# HELP \(metric.name) \(metric.help)")
                lines.append("# TYPE \(metric.name) \(metric.type)")
            }
            let value = metric.scale == 1 ? "\(number)" : "\(Double(number) * metric.scale)"
            lines.append("\(metric.name)\(metric.labels) \(value)")
        }
        let labels = infoLabels.compactMap { key in values[key].map { "\(key)=\"\(escaped($0.plain))\"" } }
        lines.append("# HELP fts_info The release of searchd, the index format it reads and the index it serves.")
        lines.append("# TYPE fts_info gauge")
        lines.append("fts_info{\(labels.joined(separator: ","))} 1")
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// A label value as the format writes it: backslash, double quote and line feed escaped.
    private static func escaped(_ text: String) -> String {
        text.escaping(["\\": "\\\\", "\"": "\\\"", "\n": "\\n"])
    }
}
