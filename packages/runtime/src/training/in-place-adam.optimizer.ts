import * as tf from '@tensorflow/tfjs';
import { RuntimeError } from '../runtime.error';
import { heapView, invalidateAfterWrite, writableView } from './heap-access';

/** Options of {@link InPlaceAdam}; defaults as `tf.train.adam` and PyTorch `Adam`. */
export interface InPlaceAdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * Adam that updates float32 variables in place, one JavaScript loop per variable over the
 * backend's own memory (wasm heap or cpu arrays), instead of the ~12 kernels per variable and
 * per step `tf.train.adam` dispatches. For the small dense layers of tabular and two-tower models
 * the per-kernel dispatch, not the arithmetic, dominates Adam's cost. Same update rule as
 * `tf.train.adam` (`w −= lr · m̂ / (√v̂ + ε)` with bias-corrected moments). On backends
 * whose memory is not reachable (tfjs-node, webgl) it delegates to `tf.train.adam`.
 *
 * @example
 * ```ts
 * const opt = new InPlaceAdam({ learningRate: 1e-3 });
 * trainStep(opt, () => loss(x, y));
 * ```
 */
export class InPlaceAdam extends tf.Optimizer {
  /** Serialisation name (tfjs `Serializable`). */
  static get className(): string {
    return 'TunekitInPlaceAdam';
  }

  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private readonly slots = new Map<string, { m: Float32Array; v: Float32Array }>();
  private fallback: tf.Optimizer | null = null;

  /**
   * @param options - {@link InPlaceAdamOptions}
   * @throws RuntimeError `INVALID_ARGUMENT` for a non-positive learning rate or betas outside [0, 1)
   */
  constructor(options: InPlaceAdamOptions = {}) {
    super();
    this.learningRate = options.learningRate ?? 1e-3;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
    if (!(this.learningRate > 0) || !(this.beta1 >= 0 && this.beta1 < 1) || !(this.beta2 >= 0 && this.beta2 < 1)) {
      throw new RuntimeError('INVALID_ARGUMENT', `InPlaceAdam: learningRate must be > 0 and betas in [0, 1), got ${JSON.stringify(options)}.`, { context: { ...options } });
    }
  }

  /**
   * Applies one Adam step to every named variable.
   *
   * @param variableGradients - variable name → float32 gradient of the variable's shape
   */
  override applyGradients(variableGradients: tf.NamedTensorMap | Array<{ name: string; tensor: tf.Tensor }>): void {
    const entries = Array.isArray(variableGradients) ? variableGradients.map((e) => [e.name, e.tensor] as const) : Object.entries(variableGradients);
    const registry = tf.engine().registeredVariables;
    const backend = tf.getBackend();
    if (backend !== 'wasm' && backend !== 'cpu') {
      this.fallback ??= tf.train.adam(this.learningRate, this.beta1, this.beta2, this.epsilon);
      this.fallback.applyGradients(variableGradients);
      return;
    }
    // tf.Optimizer leaves iterations_ undefined until the getter first runs.
    const t = this.iterations + 1;
    this.iterations_ = t;
    const lr = this.learningRate / (1 - this.beta1 ** t);
    const c2 = 1 / (1 - this.beta2 ** t);
    const { beta1, beta2, epsilon } = this;
    for (const [name, grad] of entries) {
      const variable = registry[name];
      if (!variable || !variable.trainable || grad == null) continue;
      let slot = this.slots.get(name);
      if (!slot) {
        slot = { m: new Float32Array(variable.size), v: new Float32Array(variable.size) };
        this.slots.set(name, slot);
      }
      const w = writableView(variable);
      const g = heapView(grad);
      if (!w || !g || g.length !== w.length) {
        throw new RuntimeError('INVALID_ARGUMENT', `InPlaceAdam: variable "${name}" (${variable.dtype} [${variable.shape.join(', ')}]) and its gradient [${grad.shape.join(', ')}] must be float32 of the same size.`, {
          context: { name },
        });
      }
      const { m, v } = slot;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i] as number;
        const mi = beta1 * (m[i] as number) + (1 - beta1) * gi;
        const vi = beta2 * (v[i] as number) + (1 - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] = (w[i] as number) - (lr * mi) / (Math.sqrt(vi * c2) + epsilon);
      }
      invalidateAfterWrite(variable);
    }
  }

  /** Configuration for tfjs serialisation. */
  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  /** Frees the fallback optimiser's slots, if any. */
  override dispose(): void {
    this.fallback?.dispose();
    this.slots.clear();
    super.dispose();
  }
}
