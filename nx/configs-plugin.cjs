// Local nx plugin: every YAML file configs/<app>/<name>.yaml becomes an nx configuration
// `<name>` of the app's main target, so `nx run trainer:train --configuration=listens-fma`
// works for every config file without listing them in project.json.
const { basename, dirname } = require('node:path');

const MAIN_TARGET = { trainer: 'train', evaluator: 'evaluate', recommender: 'serve' };

module.exports = {
  name: 'tunekit-configs',
  createNodesV2: [
    'configs/*/*.yaml',
    (files) =>
      files.map((file) => {
        const app = basename(dirname(file));
        const target = MAIN_TARGET[app];
        const name = basename(file, '.yaml');
        if (!target) return [file, {}];
        return [
          file,
          {
            projects: {
              [`apps/${app}`]: {
                targets: {
                  [target]: { configurations: { [name]: { args: [`--configuration=${name}`] } } },
                },
              },
            },
          },
        ];
      }),
  ],
};
