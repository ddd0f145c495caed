import { LISTENS_INPUT_COLUMNS, loadListensPredictor, type ListensPredictor } from '@tunekit/models';
import * as tf from '@tensorflow/tfjs';
import { defineModelFamily, type ListensService } from './model-service';

const predictors = new WeakMap<ListensService, ListensPredictor>();

/**
 * The listens regressor: saved preprocessing + MLP ensemble over a track's statistics. Holds tfjs
 * models, released by `dispose`.
 */
export const listensFamily = defineModelFamily({
  family: 'listens',
  capability: 'listens',
  async load(runDir, ref) {
    // The backend is whatever the process initialised (main.ts calls initRuntime; tfjs falls back to cpu).
    const predictor = await loadListensPredictor(runDir);
    const service: ListensService = {
      capability: 'listens',
      family: 'listens',
      model: ref.model,
      runDir,
      details: { features: predictor.preprocessing.featureNames, backend: tf.getBackend() },
      inputColumns: LISTENS_INPUT_COLUMNS,
      predict(rows) {
        return { listens: Array.from(predictor.predict(rows).listens) };
      },
    };
    predictors.set(service, predictor);
    return service;
  },
  dispose(service) {
    predictors.get(service)?.dispose();
    predictors.delete(service);
  },
});
