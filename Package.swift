// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "fts",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Indexer", targets: ["Indexer"]),
        .library(name: "Query", targets: ["Query"]),
        .executable(name: "fts", targets: ["fts"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // ICU's word breaker behind an opaque C API (see DEVELOPERS.md for why it cannot be imported directly).
        .target(
            name: "CICU",
            linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icudata")]
        ),
        // The reference Snowball stemmers, from Debian's libstemmer-dev.
        .systemLibrary(name: "CStemmer", providers: [.apt(["libstemmer-dev"])]),
        // CRC32C with the SSE 4.2 instruction, atomic directory exchange (renameat2), directory fsync.
        .target(name: "CSupport"),
        // Stored documents are compressed with zstd; JSON Lines may come gzip-compressed.
        .systemLibrary(name: "CZstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "Indexer", dependencies: ["CICU", "CStemmer", "CSupport", "CZstd", "CZlib"]),
        .target(name: "Query", dependencies: ["Indexer"]),
        .executableTarget(
            name: "fts",
            dependencies: [
                "Indexer", "Query",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "IndexerTests", dependencies: ["Indexer"], resources: [.copy("Fixtures")]),
        // Runs the built `fts` binary as a user would; depending on it makes `swift test` build it.
        .testTarget(name: "CLITests", dependencies: ["fts"]),
        .testTarget(name: "QueryTests", dependencies: ["Query", "Indexer"]),
    ]
)
