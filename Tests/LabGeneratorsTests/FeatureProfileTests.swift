import Foundation
import LabGenerators
import LabRandom
import Testing

@Suite struct FeatureProfileTests {
  @Test("profiles follow SAELens's formulas") func formulas() {
    var g = Xoshiro256StarStar(seed: 1)
    #expect(FeatureProfile.constant(0.2).values(count: 3, using: &g) == [0.2, 0.2, 0.2])
    #expect(FeatureProfile.linear(start: 0.3, end: 0.1).values(count: 3, using: &g) == [0.3, 0.2, 0.1])
    // numpy.linspace(5, 4, 7) (SynthSAEBench's mean magnitudes), printed by NumPy 2.4.
    #expect(FeatureProfile.linear(start: 5, end: 4).values(count: 7, using: &g)
      == [5.0, 4.833333333333333, 4.666666666666667, 4.5, 4.333333333333333, 4.166666666666667, 4.0])
    let e = FeatureProfile.exponential(start: 1, end: 4).values(count: 3, using: &g)
    #expect(e[0] == 1 && abs(e[1] - 2) <= 1e-15 && e[2] == 4)
    let z = FeatureProfile.zipf(exponent: 0.5, max: 0.4, min: 5e-4).values(count: 4, using: &g)
    #expect(z[0] == 0.4 && z[3] == 5e-4)
    let tail = pow(4.0, -0.5)
    #expect(abs(z[1] - (5e-4 + (0.4 - 5e-4) * (pow(2.0, -0.5) - tail) / (1 - tail))) <= 1e-16)
    let r = FeatureProfile.random(min: 0.1, max: 0.2).values(count: 100, using: &g)
    #expect(r.allSatisfy { $0 >= 0.1 && $0 <= 0.2 })
    let f = FeatureProfile.foldedNormal(mean: 0.5, standardDeviation: 0.5, min: nil, max: 0.7).values(count: 100, using: &g)
    #expect(f.allSatisfy { $0 >= 0 && $0 <= 0.7 })
  }

  @Test("profiles round-trip through JSON, and a bare number is a constant") func coding() throws {
    for profile in [FeatureProfile.constant(1), .linear(start: 1, end: 2), .zipf(exponent: 1, max: 0.3, min: 0.01),
                    .foldedNormal(mean: 0.5, standardDeviation: 0.5, min: 0, max: nil)] {
      #expect(try JSONDecoder().decode(FeatureProfile.self, from: JSONEncoder().encode(profile)) == profile)
    }
    #expect(try JSONDecoder().decode(FeatureProfile.self, from: Data("0.25".utf8)) == .constant(0.25))
  }

  @Test("every world kind round-trips through its toy-file JSON") func worldCoding() throws {
    for world in DeterminismTests.worlds {
      let encoder = JSONEncoder()
      encoder.outputFormatting = .sortedKeys
      let text = try encoder.encode(AnyWorld(world))
      let spec = try JSONDecoder().decode(WorldSpec.self, from: text)
      #expect(type(of: spec.world).kind == type(of: world).kind)
      #expect(try encoder.encode(spec) == text, "\(String(decoding: text, as: UTF8.self))")
    }
  }
}

/// Encodes any world through its own `encode(to:)`.
struct AnyWorld: Encodable {
  let world: any World
  init(_ world: any World) { self.world = world }
  func encode(to encoder: Encoder) throws { try world.encode(to: encoder) }
}
