package dev.dockercheckpoint.ui.services;

import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Runs work off the FX thread and hands results back on it. The application uses
 * {@link FxTaskExecutor}; tests use {@link #currentThread()} so view-models can be tested
 * without a toolkit and without waiting.
 */
public interface TaskExecutor {
    /** Runs {@code work} in the background; then {@code onSuccess} or {@code onFailure} on the UI thread. */
    <T> void execute(Callable<T> work, Consumer<T> onSuccess, Consumer<Throwable> onFailure);

    /** Runs {@code action} on the UI thread (immediately when already there). */
    void onUiThread(Runnable action);

    /** Runs everything on the calling thread, in order. */
    static TaskExecutor currentThread() {
        return new TaskExecutor() {
            @Override
            public <T> void execute(Callable<T> work, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
                T value;
                try {
                    value = work.call();
                } catch (Exception e) {
                    onFailure.accept(e);
                    return;
                }
                onSuccess.accept(value);
            }

            @Override
            public void onUiThread(Runnable action) {
                action.run();
            }
        };
    }
}
