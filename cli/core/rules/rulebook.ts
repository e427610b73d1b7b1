// The rulebook: the kinds of throwaway paths no change should add or modify, and the hard limits on
// a change's size. Plain data, one kind a line (a TypeScript module rather than a .yaml file so that
// tsx, esbuild and tsc all read it with no loader; see docs/decisions.md, issue 17).
//
// Globs follow .gitignore's shape, matched case-insensitively against paths relative to the repository:
//   `name/`      a directory of that name at any depth (everything under it)
//   `*.ext`      a file name at any depth (no slash: the last segment only)
//   `a/b`        a slash inside: a path from the repository's root (`**/` for any depth)
// `except` names the files a kind lets through (`.env.example` is documentation, not a secret).
// `optIn` kinds are off unless aos.yaml `rules.enable` (or a mission) names them: vendored code,
// lockfiles and editor settings are legitimately committed in many repositories.

export interface JunkKind {
  /** Lowercase letters, digits and dashes: how violations, aos.yaml and missions name it. */
  name: string;
  family: JunkFamily;
  globs: readonly string[];
  except?: readonly string[];
  /** One line: why a change should not carry it. */
  why: string;
  optIn?: boolean;
}

export const JUNK_FAMILIES = ['build', 'dependencies', 'cache', 'coverage', 'editor-os', 'logs', 'archives', 'binaries', 'lockfiles', 'secrets', 'scratch'] as const;
export type JunkFamily = (typeof JUNK_FAMILIES)[number];

/** At most this many changed files (a rename counts once) and this many bytes of added or modified content. */
export const DEFAULT_LIMITS = { maxFiles: 80, maxBytes: 1024 * 1024 } as const;

const k = (family: JunkFamily, name: string, globs: string[], why: string, extra: Partial<JunkKind> = {}): JunkKind => ({ name, family, globs, why, ...extra });

export const RULEBOOK: readonly JunkKind[] = [
  // Build output: made from the sources by a build, so rebuilt, never reviewed.
  k('build', 'dist', ['dist/'], 'build output (bundlers, packagers); rebuilt from the sources'),
  k('build', 'build-dir', ['build/'], 'build output (make, gradle, CRA, setuptools); rebuilt from the sources'),
  k('build', 'out-dir', ['out/'], 'build output (tsc, Next export, IntelliJ); rebuilt from the sources'),
  k('build', 'rust-maven-target', ['target/'], 'cargo and maven build output'),
  k('build', 'dotnet-obj', ['obj/'], '.NET intermediate build output'),
  k('build', 'object-files', ['*.o', '*.obj', '*.ko', '*.lo'], 'compiled object files'),
  k('build', 'java-class', ['*.class'], 'compiled Java bytecode'),
  k('build', 'python-bytecode', ['*.pyc', '*.pyo', '*.pyd'], 'compiled Python bytecode'),
  k('build', 'pycache', ['__pycache__/'], "Python's bytecode cache folders"),
  k('build', 'python-egg-info', ['*.egg-info/', '.eggs/', '*.egg'], 'setuptools build metadata'),
  k('build', 'python-wheels', ['*.whl'], 'built Python packages'),
  k('build', 'static-libraries', ['*.a', '*.lib'], 'compiled static libraries'),
  k('build', 'java-archives', ['*.jar', '*.war', '*.ear'], 'packaged Java builds'),
  k('build', 'next-build', ['.next/'], 'Next.js build output and cache'),
  k('build', 'nuxt-build', ['.nuxt/', '.output/'], 'Nuxt and Nitro build output'),
  k('build', 'sveltekit-build', ['.svelte-kit/'], 'SvelteKit generated files'),
  k('build', 'docusaurus-build', ['.docusaurus/'], 'Docusaurus generated files'),
  k('build', 'tsbuildinfo', ['*.tsbuildinfo'], 'TypeScript incremental build state'),
  k('build', 'cmake-build', ['CMakeFiles/', 'CMakeCache.txt', 'cmake-build-*/'], 'CMake build trees'),
  k('build', 'elixir-build', ['_build/'], 'Mix and rebar build output'),
  k('build', 'haskell-build', ['dist-newstyle/', '.stack-work/'], 'cabal and stack build output'),
  k('build', 'dart-tool', ['.dart_tool/'], 'Dart and Flutter build state'),
  k('build', 'xcode-derived', ['DerivedData/', 'xcuserdata/', '*.xcuserstate'], 'Xcode build output and per-user state'),
  k('build', 'zig-build', ['zig-cache/', '.zig-cache/', 'zig-out/'], 'Zig build output and cache'),
  k('build', 'bazel-output', ['bazel-bin/', 'bazel-out/', 'bazel-testlogs/'], "Bazel's output links"),
  k('build', 'jekyll-site', ['_site/', '.jekyll-cache/'], 'a generated static site'),
  k('build', 'storybook-static', ['storybook-static/'], 'a built Storybook'),
  k('build', 'elm-stuff', ['elm-stuff/'], 'Elm build output and packages'),
  k('build', 'deploy-state', ['.serverless/', '.vercel/', '.netlify/', '.terraform/'], 'deploy tools’ local state and downloads'),
  // Dependencies: installed from a manifest, so reinstalled, never committed.
  k('dependencies', 'node-modules', ['node_modules/'], 'npm, yarn and pnpm install output'),
  k('dependencies', 'bower-components', ['bower_components/'], 'Bower install output'),
  k('dependencies', 'jspm-packages', ['jspm_packages/', 'web_modules/'], 'jspm and snowpack install output'),
  k('dependencies', 'pnpm-store', ['.pnpm-store/'], "pnpm's content store"),
  k('dependencies', 'yarn-cache', ['.yarn/cache/', '.yarn/unplugged/', '.yarn/install-state.gz'], "yarn's install cache and state"),
  k('dependencies', 'python-venv', ['.venv/', 'venv/', '.virtualenv/', 'virtualenv/'], 'a Python virtual environment'),
  k('dependencies', 'virtualenvs', ['.virtualenvs/', '.conda/'], 'virtualenvwrapper and conda environments'),
  k('dependencies', 'site-packages', ['site-packages/'], 'installed Python packages'),
  k('dependencies', 'ruby-bundle', ['.bundle/'], "bundler's local install state"),
  k('dependencies', 'maven-repository', ['.m2/'], "Maven's local repository"),
  k('dependencies', 'dart-pub-cache', ['.pub-cache/'], "pub's package cache"),
  k('dependencies', 'carthage-build', ['Carthage/Build/'], 'Carthage-built frameworks'),
  k('dependencies', 'vendor', ['vendor/'], 'vendored dependencies (Go, PHP, Ruby); enable where the repository does not vendor', { optIn: true }),
  k('dependencies', 'cocoapods', ['Pods/'], 'CocoaPods install output; enable where the repository does not commit Pods', { optIn: true }),
  // Caches: tools' private state, different on every machine.
  k('cache', 'dot-cache', ['.cache/'], 'a generic tool cache'),
  k('cache', 'pytest-cache', ['.pytest_cache/'], "pytest's cache"),
  k('cache', 'mypy-cache', ['.mypy_cache/', '.dmypy.json'], "mypy's cache"),
  k('cache', 'ruff-cache', ['.ruff_cache/'], "ruff's cache"),
  k('cache', 'python-type-caches', ['.pytype/', '.pyre/'], 'pytype and pyre caches'),
  k('cache', 'tox-nox', ['.tox/', '.nox/'], 'tox and nox environments'),
  k('cache', 'hypothesis', ['.hypothesis/'], "Hypothesis's example database"),
  k('cache', 'ipynb-checkpoints', ['.ipynb_checkpoints/'], 'Jupyter autosaves'),
  k('cache', 'gradle', ['.gradle/'], "Gradle's cache and daemon state"),
  k('cache', 'parcel-cache', ['.parcel-cache/'], "Parcel's cache"),
  k('cache', 'turbo', ['.turbo/'], "Turborepo's cache"),
  k('cache', 'nx-cache', ['.nx/'], "Nx's cache"),
  k('cache', 'angular-cache', ['.angular/'], "the Angular CLI's cache"),
  k('cache', 'vite-cache', ['.vite/'], "Vite's dependency cache"),
  k('cache', 'webpack-cache', ['.webpack/'], "webpack's cache"),
  k('cache', 'eslint-cache', ['.eslintcache', '.stylelintcache'], 'lint caches'),
  k('cache', 'sass-cache', ['.sass-cache/'], "Sass's cache"),
  k('cache', 'expo', ['.expo/', '.expo-shared/'], "Expo's local state"),
  k('cache', 'ccache', ['.ccache/'], 'a compiler cache'),
  // Coverage: test by-products, different on every run.
  k('coverage', 'coverage-dir', ['coverage/'], 'coverage reports (istanbul, jest, c8)'),
  k('coverage', 'nyc-output', ['.nyc_output/'], "nyc's raw coverage"),
  k('coverage', 'htmlcov', ['htmlcov/'], "coverage.py's HTML report"),
  k('coverage', 'lcov', ['*.lcov', 'lcov.info'], 'lcov coverage data'),
  k('coverage', 'python-coverage', ['.coverage', '.coverage.*'], "coverage.py's data file"),
  k('coverage', 'gcov', ['*.gcda', '*.gcno', '*.gcov', '*.profraw', '*.profdata'], 'gcov and LLVM profile data'),
  k('coverage', 'jacoco', ['jacoco*.exec'], "JaCoCo's coverage data"),
  k('coverage', 'sonar', ['.scannerwork/'], "the Sonar scanner's work folder"),
  // Editor and OS files: one person's machine, nobody else's business.
  k('editor-os', 'ds-store', ['.DS_Store', '._*', '.Spotlight-V100/', '.Trashes/', '.fseventsd/'], 'macOS Finder metadata'),
  k('editor-os', 'thumbs-db', ['Thumbs.db', 'ehthumbs.db', 'ehthumbs_vista.db'], 'Windows thumbnail cache'),
  k('editor-os', 'desktop-ini', ['desktop.ini', '$RECYCLE.BIN/'], 'Windows folder settings and recycle bin'),
  k('editor-os', 'kde-directory', ['.directory'], "KDE's folder settings"),
  k('editor-os', 'vim-swap', ['*.swp', '*.swo', '*.swn', 'Session.vim', '.netrwhist'], "Vim's swap and session files"),
  k('editor-os', 'tilde-backup', ['*~'], 'editor backup copies'),
  k('editor-os', 'emacs-lock', ['.#*', '#*#'], "Emacs's lock and autosave files"),
  k('editor-os', 'idea', ['.idea/', '*.iml', '*.iws'], "JetBrains IDEs' project state"),
  k('editor-os', 'sublime-workspace', ['*.sublime-workspace'], "Sublime Text's per-user workspace"),
  k('editor-os', 'vscode-history', ['.history/'], 'a VS Code local-history extension'),
  k('editor-os', 'vscode', ['.vscode/'], "VS Code's settings; enable where the repository does not share them", { optIn: true }),
  // Logs: what a program printed once.
  k('logs', 'log-files', ['*.log'], 'log output'),
  k('logs', 'package-manager-logs', ['npm-debug.log*', 'yarn-debug.log*', 'yarn-error.log*', 'pnpm-debug.log*', 'lerna-debug.log*'], "package managers' crash logs"),
  k('logs', 'crash-dumps', ['hs_err_pid*', 'core.[0-9]*', '*.dmp', '*.stackdump'], 'crash dumps'),
  k('logs', 'nohup-out', ['nohup.out'], 'output of a background command'),
  // Archives: packed copies of something else, opaque to review.
  k('archives', 'zip', ['*.zip'], 'a zip archive'),
  k('archives', 'tarballs', ['*.tar', '*.tar.gz', '*.tgz', '*.tar.bz2', '*.tbz2', '*.tar.xz', '*.txz', '*.tar.zst'], 'a tar archive'),
  k('archives', '7z', ['*.7z'], 'a 7-Zip archive'),
  k('archives', 'rar', ['*.rar'], 'a RAR archive'),
  k('archives', 'compressed-streams', ['*.gz', '*.bz2', '*.xz', '*.zst', '*.lz4'], 'a compressed file'),
  k('archives', 'disk-images', ['*.iso', '*.dmg', '*.img', '*.vhd', '*.vmdk'], 'a disk image'),
  k('archives', 'os-packages', ['*.deb', '*.rpm', '*.apk', '*.msi', '*.nupkg', '*.gem', '*.snap'], 'a built installer or package'),
  // Binaries: machine code, unreviewable, usually built elsewhere.
  k('binaries', 'executables', ['*.exe', 'a.out'], 'an executable'),
  k('binaries', 'shared-libraries', ['*.dll', '*.so', '*.so.*', '*.dylib'], 'a shared library'),
  k('binaries', 'raw-binaries', ['*.bin', '*.hex', '*.elf'], 'a raw binary image'),
  k('binaries', 'debug-symbols', ['*.pdb', '*.dSYM/', '*.ilk'], 'debug symbols'),
  k('binaries', 'local-databases', ['*.sqlite', '*.sqlite3', '*.db-journal', '*.db-wal', '*.db-shm'], "a program's local database"),
  // Lockfiles: regenerated by an install; churn in them hides what changed. Off unless configured.
  k('lockfiles', 'lockfiles', ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock', 'Cargo.lock', 'poetry.lock', 'Pipfile.lock', 'uv.lock', 'Gemfile.lock', 'composer.lock', 'go.sum', 'mix.lock', 'pubspec.lock', 'Podfile.lock'], 'a lockfile; enable where a change should not touch dependencies', { optIn: true }),
  // Secrets: one commit and they are in every clone forever.
  k('secrets', 'dotenv', ['.env', '.env.*'], 'environment files hold keys and passwords', { except: ['.env.example', '.env.sample', '.env.template', '.env.dist', '.env.defaults'] }),
  k('secrets', 'pem', ['*.pem', '*.crt.key'], 'a PEM certificate or private key'),
  k('secrets', 'key-files', ['*.key'], 'a private key'),
  k('secrets', 'ssh-keys', ['id_rsa*', 'id_dsa*', 'id_ecdsa*', 'id_ed25519*'], 'an SSH key'),
  k('secrets', 'keystores', ['*.p12', '*.pfx', '*.jks', '*.keystore', '*.kdbx'], 'a keystore or password database'),
  k('secrets', 'credentials-json', ['credentials.json', 'client_secret*.json', 'service-account*.json', '**/.aws/credentials', '.docker/config.json'], 'cloud credentials'),
  k('secrets', 'netrc', ['.netrc', '_netrc', '.pypirc', '.git-credentials', '.htpasswd'], 'stored logins for hosts and registries'),
  k('secrets', 'terraform-state', ['*.tfstate', '*.tfstate.backup', '*.tfvars'], 'Terraform state and variables hold secrets in the clear'),
  k('secrets', 'npmrc', ['.npmrc'], 'can hold a registry token; enable where the repository never commits one', { optIn: true }),
  // Scratch: leftovers of an edit or a merge.
  k('scratch', 'merge-leftovers', ['*.orig', '*.rej'], 'leftovers of a merge or a patch'),
  k('scratch', 'backups', ['*.bak', '*.tmp', '*.temp'], 'a backup or temporary copy'),
];
