"""music-genre-pipeline: synthetic corpus, dataset loaders, genre features, Keras CNN, ONNX export, MLflow, Prefect."""
