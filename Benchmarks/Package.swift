// swift-tools-version: 6.1
import PackageDescription

// Benchmarks live in a package of their own so that the main build and `swift test` do not build them.
let package = Package(
    name: "fts-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "fts", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(name: "analyzer-throughput", dependencies: [.product(name: "Indexer", package: "fts")]),
        .executableTarget(name: "analyzer-quality", dependencies: [.product(name: "Indexer", package: "fts")]),
        // Micro-benchmarks of the hot paths, with allocation counts: `swift package benchmark` (run here).
        .executableTarget(
            name: "Micro",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Indexer", package: "fts"),
                .product(name: "Query", package: "fts"),
            ],
            path: "Benchmarks/Micro",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
