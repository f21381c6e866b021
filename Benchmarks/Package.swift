// swift-tools-version: 6.1
import PackageDescription

// Benchmarks live in a package of their own so that the main build and `swift test` do not build them.
let package = Package(
    name: "fts-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "fts", path: ".."),
    ],
    targets: [
        .executableTarget(name: "analyzer-throughput", dependencies: [.product(name: "Indexer", package: "fts")]),
        .executableTarget(name: "analyzer-quality", dependencies: [.product(name: "Indexer", package: "fts")]),
    ]
)
