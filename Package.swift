// swift-tools-version: 6.1
import PackageDescription

/// The analyzer, postings and scorers mutate arrays in class instances on every document; in release
/// builds the runtime exclusivity checks on those accesses cost a third of query time. Debug builds
/// (and the tests) keep the checks. Cross-module optimization lets the query loops inline the index
/// reader's small functions (a cursor's next document, its frequency): 2 to 5% fewer instructions.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked", "-cross-module-optimization"], .when(configuration: .release))]

let package = Package(
    name: "fts",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Indexer", targets: ["Indexer"]),
        .library(name: "Query", targets: ["Query"]),
        .executable(name: "fts", targets: ["fts"]),
        .executable(name: "searchd", targets: ["searchd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // ICU's word breaker behind an opaque C API (its header says why ICU cannot be imported directly).
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
        .target(name: "Indexer", dependencies: ["CICU", "CStemmer", "CSupport", "CZstd", "CZlib"], swiftSettings: hotPath),
        .target(name: "Query", dependencies: ["Indexer"], swiftSettings: hotPath),
        // Command-line arguments, declared once for parsing and help (fts and searchd).
        .target(name: "Arguments"),
        .executableTarget(
            name: "fts",
            dependencies: [
                "Arguments", "Indexer", "Query",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // The line-protocol server and its HTTP front (docs/PROTOCOL.md) as a library, so tests run it in process over TCP.
        .target(
            name: "Server",
            dependencies: [
                "Indexer", "Query",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .executableTarget(
            name: "searchd",
            dependencies: [
                "Arguments", "Server", "Indexer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // What several test targets share.
        .target(name: "TestSupport", dependencies: ["Indexer"], path: "Tests/TestSupport"),
        .testTarget(name: "IndexerTests", dependencies: ["Indexer", "TestSupport"], resources: [.copy("Fixtures")]),
        // Runs the built `fts` binary as a user would; depending on it makes `swift test` build it.
        .testTarget(name: "CLITests", dependencies: ["fts", "TestSupport"]),
        .testTarget(name: "QueryTests", dependencies: ["Query", "Indexer", "TestSupport"]),
        // Depends on searchd and fts so that `swift test` builds the binaries it starts.
        .testTarget(name: "ServerTests", dependencies: ["Server", "Indexer", "Query", "searchd", "fts", "TestSupport",
                                                       .product(name: "NIOCore", package: "swift-nio"),
                                                       .product(name: "NIOEmbedded", package: "swift-nio")]),
    ]
)
