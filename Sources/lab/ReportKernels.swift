import Foundation
import LabNumerics

/// The OpenBLAS kernels `lab run` and `lab report` compute reports with (`lab report --merge`
/// computes the parts of a sweep's record that are not swept).
///
/// OpenBLAS chooses a kernel set for the CPU when it loads, and the sets round differently: the rows
/// of a product of a few rows differ in their last bits between the AVX-512 and the AVX2 kernels.
/// A report computed on an AVX-512 machine would then differ from one computed on an AVX2 machine in
/// the last digits of a few figures. So reports are computed with one set wherever it can be: OpenBLAS's
/// Haswell kernels, which need AVX2 and FMA (Intel's Core CPUs since 2013, AMD's since 2015). OpenBLAS
/// reads its choice (`OPENBLAS_CORETYPE`) only when it loads, before `main`, so the process starts
/// itself again with the variable set. A variable the user set is kept.
enum ReportKernels {
  /// The kernel set reports are computed with (OpenBLAS's name for it).
  static let kernelSet = "Haswell"

  /// The CPU features the kernel set needs, as `/proc/cpuinfo` names them.
  static let requiredFeatures: Set<Substring> = ["avx2", "fma"]

  /// What `lab run` and `lab report` do about their kernels.
  enum Decision: Equatable {
    /// Compute with the loaded kernels: they are the report kernels, the user chose others, or this
    /// CPU cannot run the report kernels.
    case keep
    /// Start the process again with `OPENBLAS_CORETYPE` naming the report kernels.
    case restart
  }

  /// The decision for a process on an x86-64 CPU or not, whose OpenBLAS loaded `loadedKernelSet`,
  /// with `OPENBLAS_CORETYPE` set to `requested` (nil when unset), on a CPU with `cpuFeatures`,
  /// which are read only when the other conditions leave the decision open (the restarted process
  /// has the variable set and does not read them again).
  static func decision(isX86_64: Bool, loadedKernelSet: String, requested: String?,
                       cpuFeatures: @autoclosure () -> Set<Substring>) -> Decision {
    guard isX86_64, requested == nil, loadedKernelSet != kernelSet,
      requiredFeatures.isSubset(of: cpuFeatures())
    else { return .keep }
    return .restart
  }

  /// The features on the first `flags` line of `/proc/cpuinfo`; empty when it cannot be read.
  static func cpuFeatures(cpuinfo: String) -> Set<Substring> {
    guard let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
      let colon = line.firstIndex(of: ":")
    else { return [] }
    return Set(line[line.index(after: colon)...].split(separator: " "))
  }

  /// Starts this process again with the report kernels when ``decision(isX86_64:loadedKernelSet:requested:cpuFeatures:)``
  /// says so: it then does not return. Returns when the loaded kernels are kept, or when the new
  /// process could not be started (the run then computes with the loaded kernels, which its
  /// provenance names, after a note on standard error).
  static func restartIfNeeded() {
    #if arch(x86_64)
    let isX86_64 = true
    #else
    let isX86_64 = false
    #endif
    let requested = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]
    guard decision(isX86_64: isX86_64, loadedKernelSet: BLAS.kernelSet, requested: requested,
                   cpuFeatures: cpuFeatures(cpuinfo: (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "")) == .restart
    else { return }
    setenv("OPENBLAS_CORETYPE", kernelSet, 1)
    var arguments = CommandLine.arguments.map { strdup($0) } + [nil]
    execv("/proc/self/exe", &arguments)
    let reason = String(cString: strerror(errno))
    for argument in arguments { free(argument) }
    unsetenv("OPENBLAS_CORETYPE")
    StandardStreams.error("note: could not start again with OpenBLAS's \(kernelSet) kernels (\(reason)); "
      + "computing with its \(BLAS.kernelSet) kernels, whose last digits can differ from other machines' reports.\n")
  }
}
