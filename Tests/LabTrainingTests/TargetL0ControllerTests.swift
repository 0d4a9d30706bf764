import Foundation
import LabRandom
import LabTraining
import PropertyBased
import Testing

/// The target-L0 controller on simple plants: it converges to its target, the bounded controller's
/// c never leaves its range and has no wind-up to unwind, the unbounded one is the plain integral
/// rule bit for bit, and a change of units commutes with it.
@Suite struct TargetL0ControllerTests {
  /// `batch` rows with mean L0 `l0`, as the active count a training step reports.
  static func activeCount(_ l0: Double, batch: Int) -> Int { Int((l0 * Double(batch)).rounded()) }

  @Test("on a monotone plant L0(c) = M / (1 + (c/c*)^p) that reaches K within its bounds, the bounded controller converges to K and c stays in bounds")
  func convergesOnMonotonePlant() async {
    await propertyCheck(count: 40, input: Gen.int(in: 1...40), Gen.double(in: -3...3), Gen.double(in: 0.5...3), Gen.double(in: 1.5...4)) {
      k, logStar, p, ratio in
      let (batch, start) = (10_000, 0.7)
      let plant = { (c: Double) in ratio * Double(k) / (1 + pow(c / (start * exp(logStar)), p)) }
      var controller = TargetL0Controller.bounded(target: k, initialCoefficient: start)
      let range = controller.logCoefficientRange
      for _ in 0..<20_000 {
        controller.record(activeCount: Self.activeCount(plant(controller.coefficient), batch: batch), batchSize: batch)
        #expect(range.contains(controller.logCoefficient))
      }
      let l0 = plant(controller.coefficient)
      #expect(abs(l0 - Double(k)) / Double(k) <= 0.01, "K \(k): L0 \(l0) at c \(controller.coefficient)")
    }
  }

  @Test("anti-windup: after any stretch of a plant stuck above K, c sits at its upper bound and is back at its start within ln(100)/g steps of a plant below K")
  func antiWindup() async {
    await propertyCheck(count: 30, input: Gen.int(in: 1...40), Gen.int(in: 1...3000)) { k, stuck in
      let batch = 1000, start = 2.0
      var bounded = TargetL0Controller.bounded(target: k, initialCoefficient: start)
      var unbounded = TargetL0Controller(target: k, initialCoefficient: start)
      let dense = Self.activeCount(2 * Double(k), batch: batch)  // relative error +1: log c + g per step
      for _ in 0..<stuck {
        bounded.record(activeCount: dense, batchSize: batch)
        unbounded.record(activeCount: dense, batchSize: batch)
        #expect(bounded.coefficient <= start * TargetL0Controller.multiplierBound * (1 + 1e-12))
      }
      let limit = Int((log(TargetL0Controller.multiplierBound) / TargetL0Controller.gain).rounded(.up))
      if stuck >= limit + 1 { #expect(bounded.logCoefficient == bounded.logCoefficientRange.upperBound) }
      for _ in 0..<(limit + 1) {
        bounded.record(activeCount: 0, batchSize: batch)  // relative error −1: log c − g per step
        unbounded.record(activeCount: 0, batchSize: batch)
      }
      #expect(bounded.coefficient <= start * (1 + 1e-9), "after \(stuck) stuck steps: c \(bounded.coefficient)")
      if stuck > 2 * (limit + 1) { #expect(unbounded.coefficient > start * exp(TargetL0Controller.gain), "the unbounded controller winds up") }
    }
  }

  @Test("the unbounded controller is the plain integral rule log c += g · clamp((ℓ − K)/K, −1, 1), bit for bit")
  func unboundedIsThePlainRule() async {
    await propertyCheck(count: 40, input: Gen.int(in: 1...40), Gen.int(in: 0...400), Gen.int(in: 1...64), Gen.double(in: -5...5)) {
      k, active, batch, logStart in
      var controller = TargetL0Controller(target: k, initialCoefficient: exp(logStart))
      let before = controller.logCoefficient
      controller.record(activeCount: active, batchSize: batch)
      let l0 = Double(active) / Double(batch)
      #expect(controller.logCoefficient == before + TargetL0Controller.gain * min(1, max(-1, (l0 - Double(k)) / Double(k))))
    }
  }

  @Test("rescaling c by a factor (a change of units) commutes with the controller's updates and moves its bounds with it")
  func rescalingCommutes() async {
    await propertyCheck(count: 30, input: Gen.int(in: 1...20), Gen.double(in: -4...4), Gen.uint64()) { k, logFactor, seed in
      var generator = SplitMix64(seed: seed)
      var controller = TargetL0Controller.bounded(target: k, initialCoefficient: 0.5)
      var rescaled = controller.rescaled(by: exp(logFactor))
      #expect(abs(rescaled.logCoefficientRange.upperBound - controller.logCoefficientRange.upperBound - logFactor) <= 1e-12)
      #expect(abs(rescaled.logCoefficientRange.lowerBound - controller.logCoefficientRange.lowerBound - logFactor) <= 1e-12)
      for _ in 0..<600 {
        let active = generator.nextInt(below: 3 * k * 10)
        controller.record(activeCount: active, batchSize: 10)
        rescaled.record(activeCount: active, batchSize: 10)
        #expect(abs(rescaled.logCoefficient - controller.logCoefficient - logFactor) <= 1e-9)
      }
    }
  }
}
