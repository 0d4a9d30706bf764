// swift-tools-version: 6.1
// SparseLab: a lab for the theory of sparse autoencoders and dictionary learning.
import PackageDescription

let package = Package(
  name: "SparseLab",
  products: [
    .executable(name: "lab", targets: ["lab"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    .package(url: "https://github.com/apple/swift-numerics", exact: "1.1.1"),
    .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
  ],
  targets: [
    // MARK: - System libraries (Debian: libopenblas-dev, liblapacke-dev, libglpk-dev)
    .systemLibrary(name: "CBLASLAPACKE", path: "Sources/CBLASLAPACKE"),
    .systemLibrary(name: "CGLPK", path: "Sources/CGLPK"),

    // MARK: - Libraries, one concern each
    /// Seeded, platform-stable random numbers and named sub-seeds.
    .target(name: "LabRandom"),
    /// Dense row-major matrices on CBLAS and LAPACKE; approximate equality.
    .target(
      name: "LabNumerics",
      dependencies: [
        "CBLASLAPACKE",
        .product(name: "RealModule", package: "swift-numerics"),
      ],
      // Release builds link OpenBLAS and LAPACKE from their static archives (Debian's
      // libopenblas-pthread-dev and liblapacke-dev ship them): as shared libraries, binding their
      // symbols and those of the wrappers liblapacke loads (liblapack, libblas, libtmglib) took about
      // 2 ms of every process's start-up. OpenBLAS's Fortran LAPACK needs libgfortran, which
      // OpenBLAS's runtime package installs without the development link. Debug builds, the tests'
      // among them, link the shared libraries.
      linkerSettings: [
        .linkedLibrary("openblas", .when(configuration: .debug)),
        .linkedLibrary("lapacke", .when(configuration: .debug)),
        .unsafeFlags(
          ["-Xlinker", "-Bstatic", "-Xlinker", "-llapacke", "-Xlinker", "-lopenblas", "-Xlinker", "-Bdynamic",
           "-Xlinker", "-l:libgfortran.so.5"],
          .when(configuration: .release)),
      ]),
    /// File formats: NumPy `.npy` arrays and atomic writes.
    .target(name: "LabFormats", dependencies: ["LabNumerics"]),
    /// Linear programs solved by GLPK, validated before and verified after.
    .target(name: "LabOptimization", dependencies: ["CGLPK"]),
    /// Synthetic worlds with their ground truth.
    .target(
      name: "LabGenerators",
      dependencies: ["LabNumerics", "LabRandom", .product(name: "RealModule", package: "swift-numerics")]),
    /// Sparse coding and dictionary learning.
    .target(name: "LabSolvers", dependencies: ["LabNumerics", "LabOptimization", "LabRandom"]),
    /// First-order optimality checks, LP certificates and self-verification.
    .target(name: "LabChecks", dependencies: ["LabNumerics", "LabOptimization", "LabSolvers"]),
    /// Sparse autoencoder training on CBLAS: architectures, gradients, Adam, metrics, SAELens files.
    .target(name: "LabTraining", dependencies: ["LabNumerics", "LabRandom", "LabFormats"]),
    /// A BERT encoder on CBLAS and its WordPiece tokenizer: real activations from a model folder.
    .target(name: "LabTransformer", dependencies: ["LabNumerics", "LabFormats"]),
    /// Toy specifications, experiment runners, run records and Markdown reports.
    .target(
      name: "LabExperiments",
      dependencies: ["LabNumerics", "LabRandom", "LabFormats", "LabGenerators", "LabSolvers", "LabChecks", "LabTraining", "LabTransformer"]),
    /// What the test targets share: the `lab` executable and its runs, scratch directories,
    /// seeded random matrices.
    .target(name: "LabTestSupport", dependencies: ["LabNumerics", "LabRandom", "LabExperiments"]),
    /// The `lab` command.
    .executableTarget(
      name: "lab",
      dependencies: [
        "LabChecks", "LabExperiments", "LabFormats", "LabNumerics", "LabOptimization", "LabRandom", "LabSolvers", "LabTraining",
        "LabTransformer", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      // The release binary carries the Swift runtime and Foundation in itself (what
      // `swift build --static-swift-stdlib` does, here for every release build): resolving their
      // symbols as shared libraries took 5-6 ms of every process's start-up, a tenth of what
      // `lab encode` spends beside its coding loop. The module is compiled against the static
      // resource directory too, whose Foundation brings the libraries it needs to the link. Debug
      // builds, the tests' among them, stay dynamic like the test frameworks they load. Linked as a
      // position-dependent executable, the binary needs none of the ~100,000 relative relocations the
      // loader applied at every start (with OpenBLAS's tables inside it): `lab --version` 5.3 → 4.3 ms.
      swiftSettings: [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))],
      linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xclang-linker", "-no-pie"], .when(configuration: .release))]),

    // MARK: - Tests
    .testTarget(
      name: "LabRandomTests",
      dependencies: ["LabRandom", .product(name: "PropertyBased", package: "swift-property-based")]),
    .testTarget(
      name: "LabNumericsTests",
      dependencies: [
        "LabNumerics", "LabRandom", .product(name: "PropertyBased", package: "swift-property-based"),
      ]),
    .testTarget(
      name: "LabFormatsTests",
      dependencies: [
        "LabFormats", "LabNumerics", "LabRandom", "LabTestSupport",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ]),
    .testTarget(
      name: "LabOptimizationTests",
      dependencies: [
        "LabOptimization", "LabRandom", .product(name: "PropertyBased", package: "swift-property-based"),
      ]),
    .testTarget(
      name: "LabSolversTests",
      dependencies: [
        "LabSolvers", "LabNumerics", "LabRandom", "LabTestSupport",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ]),
    .testTarget(
      name: "LabChecksTests",
      dependencies: [
        "LabChecks", "LabGenerators", "LabNumerics", "LabRandom", "LabOptimization",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ]),
    .testTarget(
      name: "LabGeneratorsTests",
      dependencies: [
        "LabGenerators", "LabNumerics", "LabRandom",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ]),
    .testTarget(
      name: "LabTrainingTests",
      dependencies: [
        "LabTraining", "LabNumerics", "LabRandom", "LabFormats", "LabTestSupport",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "LabExperimentsTests",
      dependencies: ["LabExperiments", "LabFormats", "LabNumerics", "LabSolvers", "lab", "LabTestSupport",
                     "LabChecks", "LabGenerators", "LabRandom", .product(name: "PropertyBased", package: "swift-property-based")],
      exclude: ["Fixtures"]),
    /// The `lab` command end to end: options, help, exit codes, outputs, interruptions.
    .testTarget(
      name: "LabCLITests",
      dependencies: ["lab", "LabTestSupport", "LabExperiments", "LabFormats", "LabNumerics", "LabSolvers", "LabTraining",
                     "LabRandom", .product(name: "ArgumentParser", package: "swift-argument-parser")],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "LabTransformerTests",
      dependencies: [
        "LabTransformer", "LabFormats", "LabNumerics", "LabRandom", "lab", "LabTestSupport",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "LabHostileInputTests",
      dependencies: [
        "LabExperiments", "LabFormats", "LabNumerics", "LabRandom", "LabTraining", "lab", "LabTestSupport",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ]),
  ]
)
